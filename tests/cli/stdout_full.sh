#!/usr/bin/env bash
# Output lost on the way to stdout fails the command (app/stdout_watch.h): every
# command that prints its result, run with stdout on /dev/full (writes fail
# with ENOSPC), exits 74 with one line naming stdout and the reason, instead
# of exit 0 and nothing printed. The work itself is done (files, journal).
# Usage: stdout_full.sh GENRE SCRATCH
set -euo pipefail
genre=$1
scratch=$2
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch"
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ -w /dev/full ]] || { echo "no /dev/full here: nothing to check"; exit 0; }

# full NAME ARGS...: genre ARGS > /dev/full must exit 74 with the one line.
full() {
  local name=$1; shift
  local rc=0
  "$genre" "$@" >/dev/full 2>err || rc=$?
  [[ $rc == 74 ]] || fail "genre $* > /dev/full: exit $rc (want 74): $(cat err)"
  grep -qx "genre $name: error: cannot write to stdout: No space left on device" err \
    || fail "genre $* > /dev/full: want the line naming stdout: $(cat err)"
  echo "ok: genre $* > /dev/full: exit 74, $(cat err)"
}

full help --help
full --version --version
full synth synth --output corpus --classes 2 --tracks 6 --seconds 4 --seed 3
[[ $(find corpus -name '*.wav' | wc -l) == 12 ]] || fail "synth wrote its tracks all the same"
rm -rf corpus && "$genre" synth --output corpus --classes 2 --tracks 6 --seconds 4 --seed 3 >/dev/null
full preprocess preprocess --input corpus --output ds --split track:0.5,0.25,0.25 --quiet
full inspect inspect ds
full inspect inspect --help
cat > one.yaml <<'YAML'
method: grid
metric: {name: val_accuracy, goal: maximize}
base:
  model: {name: mlp, hidden: [8]}
  data: {batch_size: 4}
  train: {epochs: 1, seed: 1, threads: 1}
parameters:
  optim.lr: {values: [0.01]}
YAML
full search search --spec one.yaml --plan
full search search --spec one.yaml --data ds/dataset.json --out run --quiet
grep -q '"sweep_ended"' run/journal.jsonl || fail "the sweep ends in its journal although its report was lost"
full leaderboard leaderboard run
# The same commands with a stdout that takes it print and exit 0.
"$genre" leaderboard run >board.txt && grep -q "^wrote " board.txt || fail "leaderboard to a file: $(cat board.txt)"
"$genre" inspect ds >inspect.txt && grep -q "^dataset ds" inspect.txt || fail "inspect to a file: $(cat inspect.txt)"
echo "stdout_full: ok"
