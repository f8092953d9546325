# kill -9 of every rank mid-sweep (a node lost, the job killed), then
# --resume: nothing that had finished runs again, trials that were running
# restart from their last checkpoint, and the leaderboard equals that of an
# uninterrupted run (CPU training is deterministic, resume included). Twice:
# a random search on two groups, and an ASHA sweep on one group (ASHA's
# verdicts depend on the order trials report in; with one group that order
# is fixed, so the pruned trials must be the same ones too). And a TPE sweep
# on one group, whose configs depend on the results.
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
# kill_and_resume SPEC RANKS TRIALS EPOCHS KILL_AT: a clean run and a killed
# and resumed one of SPEC under mpiexec -n RANKS, compared.
kill_and_resume() {
  local spec=$1 ranks=$2 trials=$3 epochs=$4 kill_at=$5 name=${1%.yaml}
  mpirun_n "$ranks" "$GENRE" search --spec "$spec" --data ds/dataset.json --out "runs/$name-clean" --quiet > /dev/null

  mpirun_n "$ranks" "$GENRE" search --spec "$spec" --data ds/dataset.json --out "runs/$name" --quiet > "$name.out" 2>&1 &
  local launcher=$!
  wait_for "runs/$name" 'epochs>=3'
  # The leaderboard renders while the sweep runs.
  "$GENRE" leaderboard "runs/$name" > /dev/null || fail "genre leaderboard during the sweep"
  wait_for "runs/$name" "epochs>=$kill_at"
  local pids
  pids=$(rank_pids "runs/$name")
  [[ -n "$pids" ]] || fail "no rank processes found (did the sweep end already?)"
  kill -9 $pids
  if wait "$launcher"; then fail "the killed job reported success"; fi
  expect "runs/$name" 's["ended"] is None' "a killed sweep has no sweep_ended"
  expect "runs/$name" 'list(s["status"].values()).count("running") >= 1' "some trials were running when killed"
  py "runs/$name" summary > before.json
  echo "killed $name: $(cat before.json)"

  # --resume without --spec continues with the run's own copy, sweep.yaml.
  mpirun_n "$ranks" "$GENRE" search --data ds/dataset.json --out "runs/$name" --resume --quiet > /dev/null
  /usr/bin/python3 -c '
import json, subprocess, sys
check, run, trials, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
before = json.load(open("before.json"))
after = json.loads(subprocess.check_output(["/usr/bin/python3", check, run, "summary"]))
restarts = json.loads(subprocess.check_output(["/usr/bin/python3", check, run, "restarts"]))
for t, st in before["status"].items():
    n = after["starts"][t]
    if st != "running" and n != 1: sys.exit(f"trial {t} had {st} and started {n} times")
    if st == "running":
        if n != 2: sys.exit(f"running trial {t} started {n} times")
        last, first = restarts[t]
        # state.pt is written after each epoch is reported: the restart resumes
        # after the last journaled epoch, or the one before it; after the last
        # epoch only the final evaluation is left.
        if first is None and last == epochs: continue
        if not (first in (last, last + 1) and (last < 2 or first > 1)):
            sys.exit(f"trial {t} restarted at epoch {first} after journaling {last}")
if after["ended"] != "complete": sys.exit("not complete")
if len(after["starts"]) != trials: sys.exit(f"not {trials} trials")
' "$HERE/journal_check.py" "runs/$name" "$trials" "$epochs" || fail "resume: $(py "runs/$name" summary) $(py "runs/$name" restarts)"
  [[ "$(py "runs/$name" board)" == "$(py "runs/$name-clean" board)" ]] ||
    fail "the resumed leaderboard of $name differs from the uninterrupted one:
$(py "runs/$name" board)
vs
$(py "runs/$name-clean" board)"
}

kill_and_resume sweep.yaml 3 6 10 13

# ASHA on one group: rungs at 1, 3 and 9 epochs of 27; eta 3. The kill comes
# while the first trial trains; the others are judged at the rungs after the
# resume, against the journaled results.
cat > asha.yaml <<'YAML'
method: random
max_trials: 6
seed: 5
metric: {name: val_track_accuracy, goal: maximize}
early_terminate: {type: asha, min_epochs: 1, eta: 3, max_epochs: 27}
base:
  model: {name: cnn}
  data: {batch_size: 1}
  train: {seed: 1, threads: 1}
parameters:
  optim.lr: {distribution: log_uniform_values, min: 0.0002, max: 0.02}
YAML
kill_and_resume asha.yaml 2 6 27 6
expect runs/asha 'list(s["status"].values()).count("pruned") >= 1' "ASHA pruned a trial of the resumed sweep"

# TPE on one group (issue 14): three random start-up trials, then configs
# proposed from the results; the kill comes while the first TPE-proposed
# trial trains. The resumed sweep must propose exactly the configs of the
# uninterrupted one (the leaderboards, parameters included, are compared).
cat > tpe.yaml <<'YAML'
method: tpe
max_trials: 6
seed: 3
tpe: {n_startup_trials: 3}
metric: {name: val_track_accuracy, goal: maximize}
base:
  model: {name: cnn, filters: [8, 8, 8], dense: 16}
  data: {batch_size: 2}
  train: {epochs: 5, seed: 1, threads: 1}
parameters:
  optim.lr: {distribution: log_uniform_values, min: 0.0005, max: 0.01}
  model.dropout: {distribution: q_uniform, min: 0.1, max: 0.4, q: 0.1}
YAML
kill_and_resume tpe.yaml 2 6 5 17
echo "kill_resume: ok"
