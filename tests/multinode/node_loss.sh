#!/usr/bin/env bash
# On the multi-host bed (4 compute hosts), through `genre submit`: a sweep on
# 3 nodes loses one of them mid-run (every process on it killed at once,
# slurmd included, as in a power cut). What Slurm does, and this test checks:
# its ranks hang on the dead peer until slurmctld, having heard nothing from
# the node for SlurmdTimeout (10 s on the bed; ~25 s in all here), marks it
# DOWN and, the job being submitted with --requeue (the search script always
# is), requeues it: the job goes back to PENDING with the same id (Restarts=1)
# and starts again, after the requeue hold (cred_expire, 10 s here), on 3
# nodes that are up, the spare one instead of the dead one. The search
# script sees its journal and runs `genre search --resume`: the final
# leaderboard equals an uninterrupted seeded run, and no trial that had
# ended before the loss ran again (check_sweep.py).
# Usage: node_loss.sh GENRE SCRATCH
set -euo pipefail
genre=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
export BED_NODE_COUNT=4
bed_test_begin "$genre" "$2"

make_dataset "$genre" .
mkdir -p jobs
write_sweep jobs/sweep.yaml 6 "${GENRE_TEST_EPOCHS_NODE_LOSS:-20}"
# The uninterrupted run: the same spec and layout (a coordinator and 3
# one-rank groups) on this host.
"${MPIEXEC:-mpiexec}" --oversubscribe -n 4 "$genre" search --spec jobs/sweep.yaml --data dataset/dataset.json \
  --out runs/uninterrupted --quiet >/dev/null || fail "the uninterrupted sweep failed"

cat >sweep.yaml <<YAML
name: loss
$(bed_mpi_env)
resources: {time: "00:10:00", output: logs}
search: {spec: jobs/sweep.yaml, data: dataset/dataset.json, out: runs/r, resources: {nodes: 3, ntasks-per-node: 1}}
YAML
id=$("$genre" submit sweep.yaml --parsable)
journal=runs/r/journal.jsonl
# The loss comes once a trial has finished (it must not run again) and while
# the trial on the victim's group has 2 epochs behind it (it must go on from
# its checkpoint, not from epoch 1). The victim is the job's third node:
# worker rank 3, group 2 (the first node holds the batch script and the
# coordinator).
wait_for_line "$journal" '"event": ?"trial_finished"' 180
deadline=$((SECONDS + 120))
until python3 - "$journal" <<'PY'; do
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ended = {e["trial"] for e in events if e["event"].startswith("trial_") and e["event"] != "trial_started"}
running = [e["trial"] for e in events if e["event"] == "trial_started" and e["group"] == 2 and e["trial"] not in ended]
epochs = [e["epoch"] for e in events if e["event"] == "epoch" and running and e["trial"] == running[-1]]
sys.exit(0 if epochs and max(epochs) >= 2 else 1)
PY
  ((SECONDS < deadline)) || fail "group 2 never had a trial 2 epochs in"
  sleep 0.3
done
! grep -q '"status": \?"complete"' "$journal" || fail "the sweep had finished before the node loss: make it longer"
mapfile -t nodes < <(scontrol show hostnames "$(job_field "$id" NodeList)")
((${#nodes[@]} == 3)) || fail "job $id runs on ${nodes[*]}, not 3 nodes"
victim=${nodes[2]}
t0=$SECONDS
bed_kill_host "$victim"
echo "killed $victim (job $id on ${nodes[*]}) with $(grep -Ec '"event": ?"trial_finished"' "$journal") trial(s) finished"

wait_job "$id" 120 PENDING >/dev/null
echo "requeued $((SECONDS - t0)) s after the loss: $(job_field "$id" Reason)"
grep -q "requeue job JobId=$id due to failure of node $victim" "$CLUSTER_DIR/log/slurmctld.log" \
  || fail "slurmctld did not requeue job $id for the failure of $victim"
[[ $(sinfo -h -n "$victim" -o %T) == down* ]] || fail "$victim is $(sinfo -h -n "$victim" -o %T), not down"
state=$(wait_job "$id" 240)
[[ $state == COMPLETED ]] || fail "the requeued sweep (job $id) ended $state"
echo "finished $((SECONDS - t0)) s after the loss"
[[ $(job_field "$id" Restarts) == 1 ]] || fail "job $id restarted $(job_field "$id" Restarts) times, expected once"
log=logs/loss-search-$id.out
grep -q "run 2 on " "$log" || fail "no second run in the log"
run2_nodes=$(sed -n 's/.*run 2 on \([^:]*\):.*/\1/p' "$log")
[[ $(scontrol show hostnames "$run2_nodes" | grep -c "^$victim$") == 0 ]] || fail "run 2 was placed on the dead $victim"
grep -q "resuming from" "$log" || fail "the requeued sweep did not resume from its journal"

# The journal as it stood when run 2 began: what had ended by then must not
# have run again.
python3 - "$journal" <<'PY' >before.jsonl
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
resumed = [i for i, l in enumerate(lines) if json.loads(l)["event"] == "sweep_started" and json.loads(l).get("resumed")]
sys.stdout.write("".join(lines[: resumed[0]] if resumed else lines))
PY
python3 "$here/../slurm/check_sweep.py" runs/r --before before.jsonl --trials 6 || fail "the resumed sweep lost or reran trials"
# 1e-6 as in sweep.sh: one-rank trials reduce nothing, and a trial resumed
# from its checkpoint (model, optimiser, epoch) trains the epochs left as the
# uninterrupted run does, so the bits should match (seen: 0).
python3 "$here/compare_runs.py" runs/uninterrupted runs/r --tol 1e-6 || fail "the resumed sweep's results differ from an uninterrupted run"
echo "ok: job $id lost $victim, was requeued by Slurm, ran again on $run2_nodes and resumed"
echo "multinode_node_loss: all passed"
