# SIGTERM to every rank (what SLURM sends at the time limit): running trials
# save their state, the journal is closed with sweep_ended "interrupted", and
# the job exits 143; --resume then finishes with the uninterrupted
# leaderboard. Alone (no mpiexec), the same.
source "$(dirname "$0")/common.sh"
make_dataset
cat > sweep.yaml <<'YAML'
method: grid
base:
  model: {name: cnn, filters: [8, 8, 8], dense: 16}
  data: {batch_size: 2}
  train: {epochs: 8, seed: 1, threads: 1}
parameters:
  optim.lr: {values: [0.003, 0.001, 0.0005, 0.002]}
YAML
"$GENRE" search --spec sweep.yaml --data ds/dataset.json --out runs/clean --quiet > /dev/null

for n in 3 1; do
  out=runs/term$n
  if [[ $n == 1 ]]; then
    "$GENRE" search --spec sweep.yaml --data ds/dataset.json --out $out --quiet > term$n.out 2>&1 &
  else
    mpirun_n $n "$GENRE" search --spec sweep.yaml --data ds/dataset.json --out $out --quiet > term$n.out 2>&1 &
  fi
  launcher=$!
  wait_for $out 'epochs>=3'
  if [[ $n == 1 ]]; then pids=$launcher; else pids=$(rank_pids $out); fi
  [[ -n "$pids" ]] || fail "no rank processes found"
  kill -TERM $pids
  set +e
  wait "$launcher"
  rc=$?
  set -e
  [[ $rc == 143 ]] || fail "-n $n: SIGTERM must end the job with 143, got $rc: $(cat term$n.out)"
  expect $out 's["ended"] == "interrupted"' "-n $n: the journal is closed as interrupted"
  expect $out 'list(s["status"].values()).count("running") >= 1' "-n $n: trials were running"
  grep -q "interrupted (continue with --resume)" term$n.out || fail "-n $n: rank 0 says how to continue"
  running=$(py $out summary | /usr/bin/python3 -c 'import json,sys; print(" ".join(k for k,v in json.load(sys.stdin)["status"].items() if v=="running"))')
  for t in $running; do
    dir=$out/trials/$(printf %04d "$t")
    [[ -s $dir/state.pt ]] || fail "-n $n: running trial $t saved no state.pt"
  done
  if [[ $n == 1 ]]; then
    "$GENRE" search --data ds/dataset.json --out $out --resume --quiet > /dev/null
  else
    mpirun_n $n "$GENRE" search --data ds/dataset.json --out $out --resume --quiet > /dev/null
  fi
  expect $out 's["ended"] == "complete" and len(s["starts"]) == 4' "-n $n: the resumed sweep completes"
  [[ "$(py $out board)" == "$(py runs/clean board)" ]] ||
    fail "-n $n: the resumed leaderboard differs: $(py $out board) vs $(py runs/clean board)"
done
echo "sigterm: ok"
