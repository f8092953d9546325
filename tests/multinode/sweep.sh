#!/usr/bin/env bash
# On the multi-host bed, through `genre submit`: a sweep whose one trial
# group (ranks_per_trial: 2) spans two hosts trains data-parallel over TCP,
# and its results equal the same seeded sweep on one host (mpiexec here, the
# group over shared memory).
#
# Placement: 2 nodes x 1 worker, so the search script's host list puts the
# coordinator (rank 0) and worker rank 1 on node1 and worker rank 2 on node2;
# ranks 1 and 2 are group 0. Open MPI's per-peer transport lines in the job
# log show where each rank ran and that ranks 1 and 2 talked over tcp.
#
# Tolerance: 1e-6 on every metric. Both runs execute the same binary, seeds
# and data order, on one thread per rank; what differs is the transport of
# the gradients' and metrics' allreduce. With two ranks each reduced element
# is one IEEE addition, whichever algorithm or transport carries it, and
# addition commutes, so the results should be identical bit for bit (this
# test has seen 0). The margin only keeps a future change of reduction (a
# third rank, a tree of partial sums) from failing on rounding; a real
# difference (a wrong shard, a missed allreduce, another seed) moves
# accuracies by at least one validation segment, 1/24 here.
# Usage: sweep.sh GENRE SCRATCH
set -euo pipefail
genre=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
bed_test_begin "$genre" "$2"

make_dataset "$genre" .
mkdir -p jobs
cat >jobs/sweep.yaml <<'YAML'
method: grid
metric: {name: val_accuracy, goal: maximize}
seed: 3
ranks_per_trial: 2
base:
  model: {name: cnn}
  data: {batch_size: 16}
  train: {epochs: 3, seed: 1, device: cpu, threads: 1}
parameters:
  optim.lr: {values: [0.001, 0.003]}
YAML

# One host: a coordinator and one group of two ranks.
"${MPIEXEC:-mpiexec}" --oversubscribe -n 3 "$genre" search --spec jobs/sweep.yaml --data dataset/dataset.json \
  --out runs/one-host --quiet >/dev/null || fail "the one-host sweep failed"

cat >sweep.yaml <<YAML
name: span
$(bed_mpi_env verbose)
resources: {time: "00:10:00", output: logs}
search: {spec: jobs/sweep.yaml, data: dataset/dataset.json, out: runs/two-hosts, resources: {nodes: 2, ntasks-per-node: 1}}
YAML
id=$("$genre" submit sweep.yaml --parsable)
state=$(wait_job "$id" 240)
log=logs/span-search-$id.out
[[ $state == COMPLETED ]] || fail "the two-host sweep (job $id) ended $state"
grep -q "on node\[1-2\]: 1 coordinator + 2 worker ranks" "$log" || fail "the sweep did not run on node[1-2]"
python3 "$here/check_transport.py" "$log" --placed 0:node1,1:node1,2:node2 \
  || fail "the trial group (ranks 1, 2) did not span node1 and node2 over TCP"
python3 "$here/../slurm/check_sweep.py" runs/two-hosts --trials 2 || fail "the two-host sweep's journal is wrong"
python3 "$here/compare_runs.py" runs/one-host runs/two-hosts --tol 1e-6 \
  || fail "the sweep on two hosts gave other results than on one"
echo "multinode_sweep: all passed"
