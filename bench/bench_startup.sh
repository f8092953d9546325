#!/usr/bin/env bash
# Whole-process start-up of the genre front beside genre-torch, the executable
# that loads LibTorch (hyperfine, warm, medians; one run, so the ratios compare
# like with like). genre-torch --help is the reference: what every command paid
# when one executable held them all. usage: bench/bench_startup.sh [BUILD_DIR]
#   COLD=1   also runs each command with its executable and shared libraries
#            evicted from the page cache first (posix_fadvise DONTNEED on those
#            files only, so the rest of the machine keeps its cache).
#   BASELINE=FILE  adds FILE --help, inspect and preprocess --help (an older genre) to the table.
set -euo pipefail
build=${1:-build}
genre=$build/src/cli/genre
torch=$build/src/cli/genre-torch
runs=${RUNS:-30}
command -v hyperfine >/dev/null || { echo "bench_startup: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$genre" synth --output "$work/corpus" --classes 2 --tracks 2 --seconds 3 >/dev/null 2>&1
"$genre" preprocess --input "$work/corpus" --output "$work/ds" --split track:0.5,0.5 --quiet >/dev/null

cases=("$genre --help" "$genre inspect $work/ds" "$genre preprocess --help" "$genre leaderboard --help"
       "$genre train --help" "$torch --help")
if [[ -n ${BASELINE:-} ]]; then cases+=("$BASELINE --help" "$BASELINE inspect $work/ds" "$BASELINE preprocess --help"); fi
hyperfine --warmup 3 --runs "$runs" --style none --export-json "$work/warm.json" "${cases[@]}" >/dev/null

summary() {
  /usr/bin/python3 - "$1" "$2" "$work" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
ref = next(r for r in rows if r["command"].endswith("genre-torch --help"))["median"]
print(f"start-up, whole process, {sys.argv[2]} (medians of {len(rows[0]['times'])} runs; ratio to genre-torch --help)")
for r in rows:
    print(f"  {r['command'].replace(sys.argv[3], 'TMP'):<55} {r['median'] * 1000:8.1f} ms  {r['median'] / ref:5.2f}")
PY
}
summary "$work/warm.json" warm

if [[ ${COLD:-0} == 1 ]]; then
  # The executables and every library they load, out of the page cache.
  cat > "$work/evict.py" <<'PY'
import os, subprocess, sys
files = set(sys.argv[1:])
for exe in sys.argv[1:]:
    for line in subprocess.run(["ldd", exe], capture_output=True, text=True).stdout.splitlines():
        if "=> /" in line:
            files.add(line.split("=> ")[1].split(" (")[0])
for f in files:
    fd = os.open(f, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
PY
  hyperfine --runs "${COLD_RUNS:-5}" --prepare "/usr/bin/python3 $work/evict.py $genre $torch ${BASELINE:-}" \
    --style none --export-json "$work/cold.json" "${cases[@]}" >/dev/null
  summary "$work/cold.json" "cold (executables and their libraries evicted from the page cache before each run)"
fi
