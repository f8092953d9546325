#!/usr/bin/env bash
# On a real one-node SLURM cluster, through `genre submit`: a sweep longer
# than its 2-minute time limit gets USR1 ahead of the limit, checkpoints,
# requeues itself, resumes from its journal and finishes; no trial ends twice,
# the leaderboard lists every trial.
# Usage: cluster_time_limit.sh GENRE SCRATCH
set -euo pipefail
genre=$1
scratch=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/sweep_lib.sh"
cluster_test_begin "$genre" "$scratch"

make_dataset "$genre" .
mkdir -p jobs
# The sweep must outlast the 40-70 s its first run gets before the warning
# (asked 50 s ahead of the 2-minute limit; Slurm checks every 30 s, so it
# comes 50-80 s ahead). Epochs are sized for ~110 s of training from a short
# calibration sweep with the same layout (1 coordinator + 2 workers), whatever
# this machine's speed. The per-epoch time comes from the calibration's
# journal (trial start to finish), not the command's wall time: process and
# LibTorch start-up is about half of a short sweep and made the estimate 2x
# too long (the sweep then finished before any warning). Trials resume from
# their checkpoints, so a longer sweep (a calibration slowed by other tests)
# only costs more requeues (each ~30 s of Slurm's requeue delay), never a loop.
write_sweep jobs/calibrate.yaml 2 40
"${MPIEXEC:-mpiexec}" --oversubscribe -n 3 "$genre" search --spec jobs/calibrate.yaml --data dataset/dataset.json \
  --out runs/calibrate --quiet >/dev/null
read -r per_epoch epochs < <(python3 - runs/calibrate/journal.jsonl <<'PY'
import json, sys
start, took = {}, []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "trial_started":
        start[e["trial"]] = e["time"]
    elif e["event"] == "trial_finished":
        took.append(e["time"] - start[e["trial"]])
per_epoch = max(took) / 40
print(round(per_epoch, 4), max(60, int(110 / (3 * per_epoch))))
PY
)
echo "calibration: ${per_epoch} s per epoch; the sweep: 6 trials x $epochs epochs on 2 groups"
write_sweep jobs/sweep.yaml 6 "${GENRE_TEST_EPOCHS_LIMIT:-$epochs}"
cat >sweep.yaml <<'YAML'
name: limit
resources: {output: logs}
search:
  spec: jobs/sweep.yaml
  data: dataset/dataset.json
  out: runs/t
  resources: {ntasks-per-node: 2, time: 2}
  requeue: {signal_seconds: 50, max_restarts: 6}
YAML
id=$("$genre" submit sweep.yaml --parsable)
state=$(wait_job "$id" 480)
log=logs/limit-search-$id.out
[[ $state == COMPLETED ]] || fail "the sweep (job $id) ended $state"
restarts=$(job_field "$id" Restarts)
((restarts >= 1)) || fail "the sweep finished without being requeued: make it longer"
grep -q "time limit near (USR1)" "$log" || fail "no time-limit warning in the log"
grep -q "requeueing job $id" "$log" || fail "the script did not requeue its job"
grep -q "run 2 on" "$log" || fail "no second run in the log"
grep -q "resuming from" "$log" || fail "the requeued run did not resume"
! grep -q "requeue failed" "$log" || fail "the script took its successful requeue for a failure"
python3 "$here/check_sweep.py" runs/t --trials 6 || fail "the requeued sweep lost or reran trials"
echo "ok: job $id requeued $restarts time(s), then finished:"
grep "genre-slurm:" "$log"
echo "cluster_time_limit: all passed"
