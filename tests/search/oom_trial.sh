# A trial that runs out of memory for real: the sweep runs under a 6 GB
# address-space limit (ulimit -v) and one trial's MLP asks for a 17 GB layer
# (65536 x 65536 floats). LibTorch's allocator fails, the trial is journaled
# as failed with an "out of memory" reason, and the next trial finishes.
# Under mpiexec -n 3 the limit covers every rank, so the failing group's
# rank fails alone in its own group and the other group goes on.
source "$(dirname "$0")/common.sh"
make_dataset
cat > oom.yaml <<'YAML'
method: grid
metric: {name: val_track_accuracy, goal: maximize}
base:
  model: {name: mlp}
  data: {batch_size: 16}
  train: {epochs: 1, seed: 1, threads: 1}
parameters:
  model.hidden: {values: [[65536, 65536], [16], [32]]}
YAML
for n in 1 3; do
  (
    ulimit -v 6000000
    if ((n == 1)); then "$GENRE" search --spec oom.yaml --data ds/dataset.json --out runs/n$n --quiet
    else mpirun_n 3 "$GENRE" search --spec oom.yaml --data ds/dataset.json --out runs/n$n --quiet; fi
  ) > out$n.txt 2>&1 || fail "the sweep (-n $n) did not finish: $(tail -5 out$n.txt)"
  expect runs/n$n 's["status"].get("0") == "failed" and "out of memory" in s["reasons"].get("0", "")' \
    "trial 0 fails with an out-of-memory reason (-n $n)"
  expect runs/n$n 's["status"].get("1") == "finished" and s["status"].get("2") == "finished"' \
    "the other trials finish (-n $n)"
  expect runs/n$n 's["ended"] == "complete"' "the sweep ends complete (-n $n)"
done
echo "oom_trial: ok"
