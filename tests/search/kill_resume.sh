# kill -9 of every rank mid-sweep (a node lost, the job killed), then
# --resume: nothing that had finished runs again, trials that were running
# restart from their last checkpoint, and the leaderboard equals that of an
# uninterrupted run (CPU training is deterministic, resume included).
source "$(dirname "$0")/common.sh"
make_dataset
cat > sweep.yaml <<'YAML'
method: random
max_trials: 6
seed: 3
metric: {name: val_track_accuracy, goal: maximize}
base:
  model: {name: cnn, filters: [8, 8, 8], dense: 16}
  data: {batch_size: 2}
  train: {epochs: 10, seed: 1, threads: 1}
parameters:
  optim.lr: {distribution: log_uniform_values, min: 0.0005, max: 0.01}
  model.dropout: {distribution: q_uniform, min: 0.1, max: 0.4, q: 0.1}
YAML
mpirun_n 3 "$GENRE" search --spec sweep.yaml --data ds/dataset.json --out runs/clean --quiet > /dev/null

mpirun_n 3 "$GENRE" search --spec sweep.yaml --data ds/dataset.json --out runs/killed --quiet > killed.out 2>&1 &
launcher=$!
wait_for runs/killed 'epochs>=3'
# The leaderboard renders while the sweep runs.
"$GENRE" leaderboard runs/killed > /dev/null || fail "genre leaderboard during the sweep"
wait_for runs/killed 'epochs>=13'
pids=$(rank_pids runs/killed)
[[ -n "$pids" ]] || fail "no rank processes found (did the sweep end already?)"
kill -9 $pids
if wait "$launcher"; then fail "the killed job reported success"; fi
expect runs/killed 's["ended"] is None' "a killed sweep has no sweep_ended"
expect runs/killed 'list(s["status"].values()).count("running") >= 1' "some trials were running when killed"
py runs/killed summary > before.json
echo "killed: $(cat before.json)"

# --resume without --spec continues with the run's own copy, sweep.yaml.
mpirun_n 3 "$GENRE" search --data ds/dataset.json --out runs/killed --resume --quiet > /dev/null
/usr/bin/python3 -c '
import json, subprocess, sys
check = sys.argv[1]
before = json.load(open("before.json"))
after = json.loads(subprocess.check_output(["/usr/bin/python3", check, "runs/killed", "summary"]))
restarts = json.loads(subprocess.check_output(["/usr/bin/python3", check, "runs/killed", "restarts"]))
for t, st in before["status"].items():
    n = after["starts"][t]
    if st != "running" and n != 1: sys.exit(f"trial {t} had {st} and started {n} times")
    if st == "running":
        if n != 2: sys.exit(f"running trial {t} started {n} times")
        last, first = restarts[t]
        # state.pt is written after each epoch is reported: the restart resumes
        # after the last journaled epoch, or the one before it; after the last
        # epoch only the final evaluation is left.
        if first is None and last == 10: continue
        if not (first in (last, last + 1) and (last < 2 or first > 1)):
            sys.exit(f"trial {t} restarted at epoch {first} after journaling {last}")
if after["ended"] != "complete": sys.exit("not complete")
if len(after["starts"]) != 6: sys.exit("not six trials")
' "$HERE/journal_check.py" || fail "resume: $(py runs/killed summary) $(py runs/killed restarts)"
[[ "$(py runs/killed board)" == "$(py runs/clean board)" ]] ||
  fail "the resumed leaderboard differs from the uninterrupted one:
$(py runs/killed board)
vs
$(py runs/clean board)"
echo "kill_resume: ok"
