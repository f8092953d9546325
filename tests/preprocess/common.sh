# Shared by the preprocess integration scripts: $1 = genre binary, $2 = scratch.
set -euo pipefail
GENRE=$1
SCRATCH=$2
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
mpirun_n() { local n=$1; shift; "$MPIEXEC" --oversubscribe -n "$n" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }
