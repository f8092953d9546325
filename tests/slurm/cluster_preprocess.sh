#!/usr/bin/env bash
# On a real one-node SLURM cluster: a preprocess-only spec through
# `genre submit` runs on 2 ranks under srun --mpi=pmix and writes its
# dataset; sbatch's refusals (unknown partition, a time over the partition's
# limit) reach the user as one line, and a chain refused half-way cancels the
# job it had already submitted.
# Usage: cluster_preprocess.sh GENRE SCRATCH
set -euo pipefail
genre=$1
scratch=$2
source "$(dirname "$0")/lib.sh"
cluster_test_begin "$genre" "$scratch"

make_corpus "$genre" corpus
mkdir -p jobs
echo "method: grid" >jobs/sweep.yaml
cat >pre.yaml <<'YAML'
name: pre
resources: {time: "00:05:00", output: logs, partition: debug}
preprocess: {input: corpus, output: dataset, resources: {ntasks-per-node: 2}}
YAML
id=$("$genre" submit pre.yaml --parsable)
[[ $id =~ ^[0-9]+$ ]] || fail "genre submit printed '$id', not a job id"
state=$(wait_job "$id" 90)
[[ $state == COMPLETED ]] || fail "preprocess job $id ended $state"
log=logs/pre-preprocess-$id.out
[[ -f dataset/dataset.json ]] || fail "no dataset.json"
grep -q "on 2 rank(s)" "$log" || fail "preprocess did not run on 2 ranks"
grep -q "genre-slurm: preprocess ended with exit code 0" "$log" || fail "no end line in the log"
[[ -f logs/pre-preprocess.sbatch ]] || fail "the submitted script was not kept beside the logs"
echo "ok: preprocess job $id on 2 ranks: $(grep -m1 'segments) in' "$log")"

# The same through Open MPI's mpirun (launcher: mpirun, for clusters
# without PMIx).
sed 's/^name: pre$/name: prempi\nlauncher: mpirun/; s/output: dataset,/output: dataset-mpirun,/' pre.yaml >pre-mpirun.yaml
id=$("$genre" submit pre-mpirun.yaml --parsable)
state=$(wait_job "$id" 90)
[[ $state == COMPLETED ]] || fail "preprocess job $id (mpirun) ended $state"
grep -q "on 2 rank(s)" "logs/prempi-preprocess-$id.out" || fail "preprocess under mpirun did not run on 2 ranks"
cmp <(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['total_segments'])" dataset/dataset.json) \
  <(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['total_segments'])" dataset-mpirun/dataset.json) \
  || fail "srun and mpirun made different datasets"
echo "ok: preprocess job $id under mpirun on 2 ranks"

# A chain whose first job fails: the next one is cancelled, not left pending.
mkdir -p empty-corpus/blues
cat >failing.yaml <<'YAML'
name: failing
resources: {time: 5, output: logs}
preprocess: {input: empty-corpus, output: dataset-none}
search: {spec: jobs/sweep.yaml, out: runs/never}
YAML
mapfile -t ids < <("$genre" submit failing.yaml --parsable)
((${#ids[@]} == 2)) || fail "expected two job ids, got: ${ids[*]}"
state=$(wait_job "${ids[0]}" 60)
[[ $state == FAILED ]] || fail "preprocess of an empty corpus ended $state"
state=$(wait_job "${ids[1]}" 90)
[[ $state == CANCELLED ]] || fail "the job after a failed one ended $state"
echo "ok: job ${ids[1]} cancelled after job ${ids[0]} failed"

# Unknown partition: sbatch's reason, one line, exit 1.
sed 's/partition: debug/partition: nosuch/' pre.yaml >bad-partition.yaml
set +e
msg=$("$genre" submit bad-partition.yaml 2>&1)
rc=$?
set -e
[[ $rc == 1 && $(printf '%s\n' "$msg" | wc -l) == 1 && $msg == *"Invalid partition name specified"* ]] \
  || fail "unknown partition: rc=$rc, message: $msg"
echo "ok: $msg"

# Over the partition's limit, half-way through a chain: the preprocess job
# already submitted is cancelled, and the message says so.
cat >over.yaml <<'YAML'
name: over
resources: {output: logs}
preprocess: {input: corpus, output: dataset2, resources: {partition: debug, time: 5}}
search: {spec: jobs/sweep.yaml, out: runs/x, resources: {partition: short, time: "00:30:00"}}
YAML
set +e
msg=$("$genre" submit over.yaml 2>&1 >/dev/null)
rc=$?
set -e
[[ $rc == 1 && $(printf '%s\n' "$msg" | wc -l) == 1 && $msg == *"over-search not submitted"*"time limit"* ]] \
  || fail "over the limit: rc=$rc, message: $msg"
[[ $msg =~ cancelled\ job\ ([0-9]+)\ \(over-preprocess\) ]] || fail "the earlier job was not cancelled: $msg"
state=$(wait_job "${BASH_REMATCH[1]}" 30)
[[ $state == CANCELLED ]] || fail "job ${BASH_REMATCH[1]} is $state, not CANCELLED"
echo "ok: $msg"
echo "cluster_preprocess: all passed"
