# `genre search` on a disk that fills mid-sweep (issue 13.3), for real: the
# run folder is a tmpfs half the size a whole sweep needs, alone and under
# mpiexec -n 3. The sweep stops at once with exit 74 and one line naming the
# file and the reason; no trial is journaled failed and the sweep does not
# say "done". With room again, --resume finishes every trial exactly once.
source "$(dirname "$0")/common.sh"
if [[ $(id -u) != 0 ]]; then
  echo "disk_full: skipped: mounting a tmpfs needs root (the CI runs the tests as root)"
  exit 77
fi
make_dataset
cat > grid.yaml <<'YAML'
method: grid
metric: {name: val_track_accuracy, goal: maximize}
base:
  model: {name: mlp}
  data: {batch_size: 16}
  train: {epochs: 2, seed: 1, threads: 1}
parameters:
  model.hidden: {values: [[16], [24], [32], [40], [48], [56]]}
YAML
"$GENRE" search --spec grid.yaml --data ds/dataset.json --out runs/whole --quiet >/dev/null
whole=$(du -sb runs/whole | cut -f1)

mkdir -p small
trap 'umount -l "$SCRATCH/small" 2>/dev/null || true' EXIT
for n in 1 3; do
  mount -t tmpfs -o size=$((whole / 2)) tmpfs small
  out=small/n$n
  rc=0
  if ((n == 1)); then "$GENRE" search --spec grid.yaml --data ds/dataset.json --out $out --quiet >out$n.txt 2>err$n.txt || rc=$?
  else mpirun_n 3 "$GENRE" search --spec grid.yaml --data ds/dataset.json --out $out --quiet >out$n.txt 2>err$n.txt || rc=$?; fi
  [[ $rc == 74 ]] || fail "-n $n: a full disk must exit 74, got $rc: $(cat err$n.txt)"
  # One line per rank that hit the disk (alone: one; -n 3: each group may).
  lines=$(grep -c 'genre search: error' err$n.txt || true)
  ((lines >= 1 && lines <= (n == 1 ? 1 : 2))) || fail "-n $n: one error line per failing rank, not: $(cat err$n.txt)"
  [[ $(grep -Ec "^genre search: error: sweep .*stopped; free the space and continue it with --resume: trial [0-9]+: $out/[^ ]+: cannot [a-z ]+: No space left on device$" err$n.txt) == "$lines" ]] ||
    fail "-n $n: the error must name the file and the reason: $(cat err$n.txt)"
  grep -q ' done' out$n.txt && fail "-n $n: a sweep stopped by a full disk is not done"
  expect $out '"trial_failed" not in s["counts"] and s["ended"] is None' "-n $n: no trial failed, the sweep did not end"
  expect $out 'len(s["starts"]) < 6' "-n $n: the sweep stopped before starting every trial"

  mount -o remount,size=$((whole * 4)) small
  "$MPIEXEC" --oversubscribe -n $n "$GENRE" search --spec grid.yaml --data ds/dataset.json --out $out --resume --quiet >/dev/null
  expect $out 's["counts"]["trial_finished"] == 6 and all(v == "finished" for v in s["status"].values())' \
    "-n $n: --resume finishes every trial exactly once"
  expect $out 's["ended"] == "complete"' "-n $n: the resumed sweep is complete"
  umount small
done
echo "disk_full: ok"
