#!/usr/bin/env bash
# On a real one-node SLURM cluster, through `genre submit`: a sweep is
# cancelled (scancel) once some trials have ended, is not requeued, and the
# same spec submitted again resumes it: nothing that had ended is trained
# again, nothing is lost, the leaderboard lists every trial.
# Usage: cluster_cancel_resume.sh GENRE SCRATCH
set -euo pipefail
genre=$1
scratch=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/sweep_lib.sh"
cluster_test_begin "$genre" "$scratch"

make_dataset "$genre" .
mkdir -p jobs
write_sweep jobs/sweep.yaml 6 "${GENRE_TEST_EPOCHS_CANCEL:-16}"
cat >sweep.yaml <<'YAML'
name: cancel
resources: {time: "00:10:00", output: logs}
search: {spec: jobs/sweep.yaml, data: dataset/dataset.json, out: runs/c, resources: {ntasks-per-node: 2}}
YAML
id=$("$genre" submit sweep.yaml --parsable)
journal=runs/c/journal.jsonl
wait_for_line "$journal" '"event": ?"trial_(finished|pruned|failed)"' 120
scancel "$id"
state=$(wait_job "$id" 60)
[[ $state == CANCELLED ]] || fail "job $id ended $state after scancel"
[[ $(job_field "$id" Restarts) == 0 ]] || fail "the cancelled sweep was requeued"
log=logs/cancel-search-$id.out
grep -q "SIGTERM (scancel" "$log" || fail "the script did not see the cancel"
! grep -q "requeueing" "$log" || fail "the script requeued a cancelled sweep"
! grep -q '"status": \?"complete"' "$journal" || fail "the sweep had finished before the cancel: make it longer"
cp "$journal" before.jsonl
echo "ok: job $id cancelled with $(grep -Ec '"event": ?"trial_(finished|pruned|failed)"' before.jsonl) trials ended"

id2=$("$genre" submit sweep.yaml --parsable)
state=$(wait_job "$id2" 180)
[[ $state == COMPLETED ]] || fail "the resubmitted sweep (job $id2) ended $state"
grep -q "resuming from" "logs/cancel-search-$id2.out" || fail "the resubmitted sweep did not resume"
python3 "$here/check_sweep.py" runs/c --before before.jsonl --trials 6 || fail "the resumed sweep lost or reran trials"
echo "cluster_cancel_resume: all passed"
