# Malformed specs and impossible requests: `genre search` exits 2 with one
# line naming the key and the problem, before any rank starts work (no run
# folder is created), alone and under mpiexec.
source "$(dirname "$0")/common.sh"
echo '{}' > dataset.json  # never read: every case fails before the data is touched

check() {  # check N SPEC_TEXT EXPECTED_PIECE
  local n=$1 spec=$2 expected=$3
  printf '%s\n' "$spec" > spec.yaml
  set +e
  if [[ $n == 1 ]]; then
    "$GENRE" search --spec spec.yaml --data dataset.json --out runs/bad > out.txt 2> err.txt
  else
    mpirun_n "$n" "$GENRE" search --spec spec.yaml --data dataset.json --out runs/bad > out.txt 2> err.txt
  fi
  local rc=$?
  set -e
  [[ $rc == 2 ]] || fail "-n $n: expected exit 2, got $rc for:
$spec
$(cat err.txt)"
  grep -qF -- "$expected" err.txt || fail "-n $n: expected '$expected' in: $(cat err.txt)"
  [[ $(grep -c "genre search: error" err.txt) == 1 ]] || fail "-n $n: one error line, not: $(cat err.txt)"
  [[ ! -e runs/bad ]] || fail "-n $n: nothing may be written before the checks pass"
}

base='base: {model: {name: mlp, hidden: [16]}, train: {epochs: 2}}'
check 1 "method: grid
parameters: {optim.lr: {values: [0.1]}}
max_trails: 3" "spec.yaml: line 3: max_trails: unknown key"
check 1 "method: random
parameters: {optim.lr: {min: 0.1, max: 0.01}}
max_trials: 3" "spec.yaml: parameters.optim.lr.min: must be below max"
check 1 "method: grid
parameters: {optim.lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}}" \
  "parameters.optim.lr: method grid cannot enumerate the continuous distribution log_uniform_values"
check 1 "method: grid
metric: {name: val_f1}
parameters: {optim.lr: {values: [0.1]}}" "metric.name: 'val_f1' is not a validation metric the trainer reports"
check 1 "method: grid
metric: {name: val_loss, goal: maximize}
parameters: {optim.lr: {values: [0.1]}}" "metric.goal: val_loss is minimized, not maximized"
# What the trainer rejects names the trial and the training config's key.
check 1 "method: grid
$base
parameters: {optim.lr: {values: [0.1, -1]}}" 'trial 1 {"optim.lr":-1}: training config: optim.lr'
check 1 "method: grid
$base
parameters: {model.hiddn: {values: [[8]]}}" "model.hiddn"
check 1 "method: grid
ranks_per_trial: 4
parameters: {optim.lr: {values: [0.1]}}" "ranks_per_trial: "
# Under mpiexec every rank stops alike and only rank 0 speaks.
check 3 "method: grid
parameters: {optim.lr: {values: [0.1]}}
max_trails: 3" "spec.yaml: line 3: max_trails: unknown key"
check 3 "method: grid
$base
parameters: {optim.lr: {values: [0.1, -1]}}" 'trial 1 {"optim.lr":-1}: training config: optim.lr'
check 3 "method: grid
ranks_per_trial: 3
parameters: {optim.lr: {values: [0.1]}}" "does not divide the 2 worker ranks"

# Adaptive search (issue 14): an unknown method, a condition naming a missing
# parameter, a TPE setting out of range; alone and under mpiexec.
check 1 "method: bayes
max_trials: 3
parameters: {optim.lr: {values: [0.1]}}" "spec.yaml: method: unknown method 'bayes' (supported: grid, random, tpe)"
check 1 "method: tpe
max_trials: 3
parameters:
  model.name: {values: [cnn, mlp]}
  model.filters: {values: [[8, 8, 8]], when: {model.nam: cnn}}" "spec.yaml: parameters.model.filters.when.model.nam: names no swept parameter"
check 3 "method: tpe
max_trials: 3
tpe: {n_startup_trials: -2}
parameters: {optim.lr: {min: 0.001, max: 0.01}}" "spec.yaml: tpe.n_startup_trials: must be at least 0"

# --plan for an adaptive method: the space, then its start-up trials, which
# are exactly the random search's first configs for the seed.
cat > tpe.yaml <<'YAML'
method: tpe
max_trials: 8
seed: 11
tpe: {n_startup_trials: 3}
parameters:
  model.name: {values: [cnn, mlp]}
  model.dense: {values: [16, 32], when: {model.name: cnn}}
  optim.lr: {distribution: log_uniform_values, min: 0.0001, max: 0.01}
YAML
sed 's/^method: tpe/method: random/; /^tpe:/d' tpe.yaml > random.yaml
"$GENRE" search --spec tpe.yaml --plan > plan.txt || fail "--plan of a tpe spec: $(cat plan.txt)"
"$GENRE" search --spec random.yaml --plan > random.txt
grep -q "^  model.dense: categorical \[16, 32\] when model.name in \[\"cnn\"\]" plan.txt || fail "--plan shows the space: $(cat plan.txt)"
[[ "$(grep '^trial' plan.txt)" == "$(grep '^trial' random.txt | head -3)" ]] || fail "tpe's start-up trials are random's: $(cat plan.txt)"
grep -q "^3 of 8 trial(s) fixed in advance" plan.txt || fail "--plan says how many are fixed: $(cat plan.txt)"

# --plan checks the trial values as a real run does (#13.16): a value the
# trainer refuses is one line naming the trial and the key, exit 2.
printf '%s\n' "method: grid" "$base" "parameters: {optim.lr: {values: [0.01, -1]}}" > badvalue.yaml
set +e
"$GENRE" search --spec badvalue.yaml --plan > out.txt 2> err.txt; rc=$?
set -e
[[ $rc == 2 ]] || fail "--plan with a bad trial value: expected exit 2, got $rc: $(cat out.txt err.txt)"
grep -q "badvalue.yaml: trial 1 .*optim.lr" err.txt || fail "--plan names the trial and the key: $(cat err.txt)"

# Options: a missing --data, and an existing sweep without --resume.
set +e
"$GENRE" search --spec spec.yaml --data missing.json --out runs/x 2> err.txt; rc=$?
set -e
[[ $rc == 2 ]] && grep -q -- "--data: missing.json does not exist" err.txt || fail "a missing --data: $rc $(cat err.txt)"
mkdir -p runs/old && echo '{"event":"sweep_started"}' > runs/old/journal.jsonl
set +e
"$GENRE" search --spec spec.yaml --data dataset.json --out runs/old 2> err.txt; rc=$?
set -e
[[ $rc == 2 ]] && grep -q "pass --resume" err.txt || fail "an existing sweep without --resume: $rc $(cat err.txt)"
echo "bad_specs: ok"
