#!/usr/bin/env bash
# On the multi-host bed, through `genre submit`: preprocessing on 3 hosts (one
# rank each) gives the same dataset as one process on one host, under both
# launchers (srun --mpi=pmix, and Open MPI's mpirun inside the allocation);
# the ranks ran on three hosts and every pair of ranks on different hosts
# talked over TCP (Open MPI's own per-peer transport lines, read by
# check_transport.py).
# Usage: preprocess.sh GENRE SCRATCH (COMPARE: the compare_datasets tool)
set -euo pipefail
genre=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
bed_test_begin "$genre" "$2"

"$genre" synth --output corpus --classes 3 --tracks 6 --seconds 6 --seed 5 >/dev/null
"$genre" preprocess --input corpus --output one --quiet >/dev/null

for launcher in srun mpirun; do
  cat >"pre-$launcher.yaml" <<YAML
name: pre-$launcher
launcher: $launcher
$(bed_mpi_env verbose)
resources: {time: "00:05:00", output: logs}
preprocess: {input: corpus, output: three-$launcher, resources: {nodes: 3, ntasks-per-node: 1}}
YAML
  id=$("$genre" submit "pre-$launcher.yaml" --parsable)
  state=$(wait_job "$id" 120)
  log=logs/pre-$launcher-preprocess-$id.out
  [[ $state == COMPLETED ]] || fail "preprocess job $id ($launcher) ended $state"
  grep -q "on node\[1-3\]: 3 ranks" "$log" || fail "the $launcher job did not get node[1-3]: $(grep genre-slurm "$log")"
  grep -q "on 3 rank(s)" "$log" || fail "preprocess under $launcher did not run on 3 ranks"
  python3 "$here/check_transport.py" "$log" --hosts 3 || fail "the $launcher job's ranks were not on 3 hosts talking TCP"
  "$COMPARE" one "three-$launcher" 1e-4 || fail "3 hosts ($launcher) made another dataset than one process"
  echo "ok: $launcher on 3 hosts: $(grep -m1 'segments) in' "$log")"
done
echo "multinode_preprocess: all passed"
