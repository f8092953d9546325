#!/usr/bin/env python3
"""Compares two sweeps' results: the same leaderboard (the same trials in
the same order, the same parameters, epochs and status; the metric columns
equal within --tol) and, per finished trial, the same final metrics within
--tol (trial_finished events of the journals). Run times are not compared.
Prints the largest metric difference found.

usage: compare_runs.py RUN_A RUN_B [--tol 1e-6]"""
import csv
import json
import math
import sys


def leaderboard(run):
    with open(f"{run}/leaderboard.csv") as f:
        return list(csv.DictReader(f))


def finals(run):
    out = {}
    with open(f"{run}/journal.jsonl") as f:
        for line in f:
            e = json.loads(line) if line.strip() else {}
            if e.get("event") == "trial_finished":
                out[e["trial"]] = e["final"]
    return out


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def main():
    a, b = sys.argv[1], sys.argv[2]
    tol = float(sys.argv[sys.argv.index("--tol") + 1]) if "--tol" in sys.argv else 1e-6
    problems, worst = [], 0.0

    def close(what, x, y):
        nonlocal worst
        if x is None or y is None or math.isnan(x) or math.isnan(y):
            same = (x is None and y is None) or (x is not None and y is not None and math.isnan(x) and math.isnan(y))
            if not same:
                problems.append(f"{what}: {x} vs {y}")
            return
        worst = max(worst, abs(x - y))
        if abs(x - y) > tol:
            problems.append(f"{what}: {x!r} vs {y!r} (differ by {abs(x - y):.3g} > {tol})")

    la, lb = leaderboard(a), leaderboard(b)
    if len(la) != len(lb):
        problems.append(f"{len(la)} leaderboard rows vs {len(lb)}")
    cols = [c for c in (la[0].keys() if la else []) if c != "wall_s"]
    metric_cols = cols[cols.index("epochs") - 2 : cols.index("epochs")] if "epochs" in cols else []
    for ra, rb in zip(la, lb):
        for c in cols:
            if c in metric_cols:
                close(f"leaderboard row {ra['rank']} {c}", number(ra[c]), number(rb.get(c)))
            elif ra[c] != rb.get(c):
                problems.append(f"leaderboard row {ra['rank']} {c}: {ra[c]!r} vs {rb.get(c)!r}")

    fa, fb = finals(a), finals(b)
    if sorted(fa) != sorted(fb):
        problems.append(f"finished trials {sorted(fa)} vs {sorted(fb)}")
    for t in sorted(set(fa) & set(fb)):
        for k in sorted(set(fa[t]) | set(fb[t])):
            va, vb = fa[t].get(k), fb[t].get(k)
            if isinstance(va, (int, float)) or isinstance(vb, (int, float)):
                close(f"trial {t} {k}", None if va is None else float(va), None if vb is None else float(vb))
            elif va != vb:
                problems.append(f"trial {t} {k}: {va!r} vs {vb!r}")

    summary = f"{len(la)} leaderboard rows, {len(fa)} finished trials; largest metric difference {worst:.3g} (tolerance {tol})"
    if problems:
        print("compare_runs: " + summary, file=sys.stderr)
        for p in problems[:20]:
            print("compare_runs: " + p, file=sys.stderr)
        sys.exit(1)
    print("compare_runs: " + summary)


if __name__ == "__main__":
    main()
