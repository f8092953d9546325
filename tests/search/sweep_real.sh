# Sweeps with the real trainer on synthetic shards: alone, under mpiexec -n 3
# (two groups of one rank) and -n 5 (two groups of two), with trials that fail
# (NaN loss, an exception) journaled with their reason while the sweep goes on.
source "$(dirname "$0")/common.sh"
make_dataset

# Six MLP trials: lr 10 with SGD diverges to a NaN loss.
cat > mixed.yaml <<'YAML'
method: grid
metric: {name: val_track_accuracy, goal: maximize}
base:
  model: {name: mlp, hidden: [32]}
  data: {batch_size: 8}
  optim: {name: sgd}
  train: {epochs: 3, seed: 1, threads: 1}
parameters:
  optim.lr: {values: [0.01, 0.003, 10]}
  model.hidden: {values: [[32], [16]]}
YAML

mpirun_n 3 "$GENRE" search --spec mixed.yaml --data ds/dataset.json --out runs/n3 > n3.out
grep -q "^rank trial" n3.out || fail "rank 0 prints the short table at the end"
expect runs/n3 'len(s["starts"]) == 6 and set(s["starts"].values()) == {1}' "every trial starts once"
expect runs/n3 's["groups"] == [0, 1]' "both groups train"
expect runs/n3 'list(s["status"].values()).count("finished") == 4' "four trials finish"
# (The trainer or the search's own check names the non-finite loss and the epoch.)
expect runs/n3 'sorted(s["reasons"]) == ["4", "5"] and all(("nan" in r.lower() or "inf" in r.lower()) and "epoch 2" in r for r in s["reasons"].values())' \
  "the diverging trials fail with the reason"
expect runs/n3 's["ended"] == "complete"' "the sweep ends complete"
for f in leaderboard.csv leaderboard.md report.html best.yaml sweep.yaml; do [[ -s runs/n3/$f ]] || fail "runs/n3/$f missing"; done
for f in model.json checkpoint.pt metrics.jsonl confusion.csv final.json; do
  [[ -s runs/n3/trials/0000/$f ]] || fail "the trainer's $f is missing in trial 0's folder"
done
[[ $(tail -n +2 runs/n3/leaderboard.csv | wc -l) == 6 ]] || fail "one leaderboard row per trial"
tail -2 runs/n3/leaderboard.csv | grep -q ",failed$" || fail "failed trials rank last"
grep -q "<svg" runs/n3/report.html || fail "report.html has its charts"

# --plan prints the trials the sweep starts, in its order, with their
# parameters, and trains nothing: the same ones the journal shows started.
"$GENRE" search --spec mixed.yaml --plan > plan.out
[[ $(tail -1 plan.out) == "6 trial(s)" ]] || fail "--plan counts the grid's 6 trials: $(tail -1 plan.out)"
printf 'method: random\nparameters:\n  optim.lr: {values: [0.1]}\n' > nomax.yaml
rc=0; "$GENRE" search --spec nomax.yaml --plan > nomax.out 2>&1 || rc=$?
[[ $rc == 2 ]] && grep -q "max_trials" nomax.out || fail "--plan checks the spec like a run: rc $rc, $(cat nomax.out)"
/usr/bin/python3 - plan.out runs/n3/journal.jsonl <<'PY' || fail "--plan differs from what the sweep started"
import json, sys
plan = {}
for line in open(sys.argv[1]):
    if line.startswith("trial "):
        head, _, rest = line.partition(":")
        plan[int(head.split()[1])] = dict((kv.split("=", 1)[0], json.loads(kv.split("=", 1)[1])) for kv in rest.split())
started = {e["trial"]: e["params"] for e in map(json.loads, open(sys.argv[2])) if e["event"] == "trial_started"}
assert plan == started, (plan, started)
PY

# One rank per trial trains the same whatever the number of groups: alone
# (one process coordinating and training) gives the same leaderboard.
"$GENRE" search --spec mixed.yaml --data ds/dataset.json --out runs/alone --quiet > /dev/null
[[ "$(py runs/alone board)" == "$(py runs/n3 board)" ]] || fail "alone and -n 3 differ: $(py runs/alone board) vs $(py runs/n3 board)"

# Two ranks per trial: data-parallel trials; data.input table fails on this
# dataset (it has no feature table) at run time, with the trainer's reason.
cat > pairs.yaml <<'YAML'
method: grid
ranks_per_trial: 2
base:
  model: {name: mlp, hidden: [32]}
  data: {batch_size: 8}
  train: {epochs: 3, seed: 1, threads: 1}
parameters:
  data.input: {values: [features, table]}
  optim.lr: {values: [0.003, 0.001]}
YAML
mpirun_n 5 "$GENRE" search --spec pairs.yaml --data ds/dataset.json --out runs/n5 --quiet > /dev/null
expect runs/n5 'len(s["starts"]) == 4 and s["groups"] == [0, 1]' "four trials over two groups of two"
expect runs/n5 '[s["status"][k] for k in "0123"] == ["finished", "finished", "failed", "failed"]' "table trials fail"
expect runs/n5 'all("needs a dataset with the feature table" in r for r in s["reasons"].values())' "the reason is the trainer's"

# `genre leaderboard` renders the same files again from the journal.
rm runs/n3/leaderboard.csv runs/n3/report.html
"$GENRE" leaderboard runs/n3 > board.out
grep -q "best: trial" board.out || fail "genre leaderboard prints the table"
[[ -s runs/n3/leaderboard.csv && -s runs/n3/report.html ]] || fail "genre leaderboard rewrites the files"
set +e
"$GENRE" leaderboard "$SCRATCH/nothing" 2> err.txt; rc=$?
set -e
[[ $rc == 2 ]] || fail "a missing run folder is a usage error (got $rc)"

# best.yaml is a training config `genre train` accepts (when this build has it).
if "$GENRE" train --help > /dev/null 2>&1; then
  "$GENRE" train --data ds/dataset.json --config runs/n3/best.yaml --out best-model --quiet > /dev/null ||
    fail "genre train rejects best.yaml"
  [[ -s best-model/model.json ]] || fail "training best.yaml wrote no model"
fi

# RUN/best points at the best trial, and classify takes the winner by that
# name, writing its --output (folders made as needed) whole.
[[ -L runs/n3/best ]] || fail "runs/n3/best is not a link"
best=$(sed -n 's/^# Best trial of sweep .*: trial \([0-9]*\),.*/\1/p' runs/n3/best.yaml)
[[ $(readlink runs/n3/best) == trials/$(printf %04d "$best") ]] \
  || fail "runs/n3/best -> $(readlink runs/n3/best), but best.yaml names trial $best"
"$GENRE" classify --model runs/n3/best --output preds/new/p.csv --quiet "$SCRATCH/corpus/blues"
[[ $(tail -n +2 preds/new/p.csv | wc -l) == 16 ]] || fail "classify --model RUN/best: 16 rows expected in preds/new/p.csv"
echo "sweep_real: ok"
