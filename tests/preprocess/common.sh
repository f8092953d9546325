# Shared by the preprocess integration scripts: $1 = genre binary, $2 = scratch.
set -euo pipefail
GENRE=$1
SCRATCH=$2
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
mpirun_n() { local n=$1; shift; "$MPIEXEC" --oversubscribe -n "$n" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

# Waits (up to 30 s) until a complete shard exists under $1/shards.
wait_for_shard() {
  for _ in $(seq 1 600); do
    compgen -G "$1/shards/shard-*.h5" >/dev/null && return 0
    sleep 0.05
  done
  fail "no shard appeared in $1"
}

# PIDs of the MPI ranks of `genre preprocess ... --output $1` (rank $2, or all).
rank_pids() {
  pgrep -f "genre preprocess --input $SCRATCH/corpus --output $1" | while read -r p; do
    tr '\0' '\n' </proc/$p/environ 2>/dev/null | grep -q "^OMPI_COMM_WORLD_RANK=${2:-[0-9]*}$" && echo "$p"
  done
}
