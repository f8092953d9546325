#!/usr/bin/env python3
"""The layering of genre's sources, checked: fails (exit 1) with the offending
files when

  - the folder-level include graph of src/*, preprocess, search and slurm has
    a cycle (folder A includes a header of B, and B, directly or through
    others, one of A);
  - a folder includes the top one (--top, the `genre` dispatcher: nothing may
    build on it);
  - a CMakeLists.txt compiles a source file outside its own folder (each
    folder's sources are built by its own CMakeLists; others link its target).

usage: check_layering.py ROOT [--top FOLDER] [--print]
--print also writes the graph, one folder a line with the folders it includes,
bottom layer first (docs/architecture.md shows it).
"""
import argparse
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)
SOURCE_EXTENSIONS = {".h", ".hpp", ".cpp", ".cc"}
# A source path in a CMakeLists: a word ending in a C/C++ source extension.
CMAKE_SOURCE = re.compile(r'[^\s()"]+\.(?:cpp|cc|c|cxx)\b')


def folders(root):
    """{name: path}: every folder under src/ plus the top-level domain folders.
    An include "name/x.h" names the folder `name`."""
    found = {p.name: p for p in sorted((root / "src").iterdir()) if p.is_dir()}
    for name in ("preprocess", "search", "slurm"):
        found[name] = root / name
    return found


def include_graph(root):
    """{folder: {included folder: "file:line" of one include that makes the edge}}."""
    known = folders(root)
    graph = {name: {} for name in known}
    for name, path in known.items():
        for file in sorted(path.rglob("*")):
            if file.suffix not in SOURCE_EXTENSIONS:
                continue
            text = file.read_text(errors="replace")
            for match in INCLUDE.finditer(text):
                target = match.group(1).split("/")[0]
                if target in known and target != name and target not in graph[name]:
                    line = text.count("\n", 0, match.start()) + 1
                    graph[name][target] = f"{file.relative_to(root)}:{line}"
    return graph


def cycles(graph):
    """The strongly connected components with more than one folder (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def layers(graph):
    """Folders by layer: 0 includes no other folder, n includes only layers below n."""
    level = {}

    def depth(v):
        if v not in level:
            level[v] = 0  # guards against cycles, which are reported apart
            level[v] = 1 + max((depth(w) for w in graph[v]), default=-1)
        return level[v]

    for v in graph:
        depth(v)
    return sorted(graph, key=lambda v: (level[v], v)), level


def foreign_sources(root):
    """Source files a CMakeLists.txt compiles from outside its own folder."""
    found = []
    for cmake in sorted(root.rglob("CMakeLists.txt")):
        rel = cmake.relative_to(root)
        if rel.parts[0].startswith("build") or rel.parts[0].startswith("."):
            continue
        here = cmake.parent.resolve()
        text = cmake.read_text(errors="replace")
        # A CMakeLists below the top that starts a project() of its own is a
        # separate build, not a folder of this one: tests/fuzz recompiles the
        # readers with clang's fuzzer and sanitizer instrumentation, which
        # linking the main build's targets cannot give.
        if rel != Path("CMakeLists.txt") and re.search(r"^\s*project\s*\(", text, re.M):
            continue
        for match in CMAKE_SOURCE.finditer(text):
            word = match.group(0)
            if word.startswith(("${CMAKE_CURRENT_SOURCE_DIR}/", "${CMAKE_CURRENT_BINARY_DIR}/")):
                continue
            line = text.count("\n", 0, match.start()) + 1
            if word.startswith("$") or ".." in Path(word).parts or word.startswith("/"):
                found.append(f"{rel}:{line}: {word}")
            elif not (here / word).resolve().is_relative_to(here):
                found.append(f"{rel}:{line}: {word}")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--top", help="the folder nothing else may include")
    parser.add_argument("--print", action="store_true", help="print the graph, bottom layer first")
    args = parser.parse_args()
    root = args.root.resolve()

    graph = include_graph(root)
    problems = []
    for component in cycles(graph):
        edges = [f"  {a} -> {b} ({graph[a][b]})" for a in component for b in sorted(graph[a]) if b in component]
        problems.append("include cycle among " + ", ".join(component) + ":\n" + "\n".join(edges))
    if args.top:
        for name in sorted(graph):
            if args.top in graph[name]:
                problems.append(f"{name} includes the top folder {args.top} ({graph[name][args.top]})")
    for where in foreign_sources(root):
        problems.append(f"a source outside the CMakeLists' folder: {where}")

    if args.print:
        order, level = layers(graph)
        for v in order:
            print(f"{level[v]}  {v:<11} -> {' '.join(sorted(graph[v])) or '-'}")
    for p in problems:
        print("layering: " + p, file=sys.stderr)
    if not problems:
        print(f"layering: {len(graph)} folders, {sum(map(len, graph.values()))} include edges, no cycle")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
