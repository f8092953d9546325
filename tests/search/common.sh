# Shared by the search integration scripts: $1 = genre binary, $2 = scratch.
set -euo pipefail
GENRE=$1
SCRATCH=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
cd "$SCRATCH"
mpirun_n() { local n=$1; shift; "$MPIEXEC" --oversubscribe -n "$n" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
py() { /usr/bin/python3 "$HERE/journal_check.py" "$@"; }

# A small synthetic dataset: 3 classes x 16 tracks of 6 s, split by track
# 50/25/25 (8 training, 4 validation, 4 test tracks per class).
make_dataset() {
  "$GENRE" synth --output "$SCRATCH/corpus" --classes 3 --tracks 16 --seconds 6 --seed 5 >/dev/null 2>&1
  "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/ds" --split track:0.5,0.25,0.25 --quiet >/dev/null
}

# The pids of the rank processes of a `genre search ... --out OUT` job (not
# the mpiexec launcher): what SLURM signals, or what a node loss kills.
rank_pids() {
  local out=$1
  pgrep -f -- "search .*--out $out( |$)" | while read -r p; do
    grep -qz '^OMPI_COMM_WORLD_RANK=' "/proc/$p/environ" 2>/dev/null && echo "$p"
  done || true
}

# Fails unless a Python expression over the run's summary `s` (see
# journal_check.py) holds: expect RUN 'len(s["starts"]) == 6' "what it means".
expect() {
  local out=$1 expr=$2 what=$3
  py "$out" summary > "$SCRATCH/.summary"
  /usr/bin/python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if ($expr) else 1)" "$SCRATCH/.summary" ||
    fail "$what ($expr) in $out: $(cat "$SCRATCH/.summary")"
}

# Waits (up to 60 s) until the journal of OUT satisfies a journal_check.py query.
wait_for() {
  local out=$1 query=$2
  for _ in $(seq 1 1200); do
    py "$out" "$query" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  fail "timed out waiting for: $query"
}
