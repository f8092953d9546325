# ASHA with the real trainer on a sweep where some configs are clearly worse:
# a learning rate of 1e-6 leaves the model at chance while 0.01 and 0.003
# learn. Two groups train the two good configs first, so both have reached
# the rung at epoch 2 before any bad one does; every bad one is then below
# both and stops there: with n <= 5 at the rung ASHA keeps floor(n / 2) <= 2,
# and the two good ones are strictly better. (The bad ones tie each other,
# and a tie with the cut value continues: a fourth bad one, the sixth at the
# rung, would pass with keep = 3.)
source "$(dirname "$0")/common.sh"
make_dataset
cat > asha.yaml <<'YAML'
method: grid
metric: {name: val_track_accuracy, goal: maximize}
early_terminate: {type: asha, min_epochs: 2, eta: 2, max_epochs: 8}
base:
  model: {name: cnn, filters: [8, 8, 8], dense: 16}
  data: {batch_size: 8}
  train: {seed: 1, threads: 1}
parameters:
  optim.lr: {values: [0.01, 0.003, 1.0e-6, 1.0e-6, 1.0e-6]}
YAML
mpirun_n 3 "$GENRE" search --spec asha.yaml --data ds/dataset.json --out runs/asha --quiet > /dev/null
expect runs/asha 'all(s["pruned"].get(str(t)) == 2 for t in range(2, 5))' "the bad configs stop at the first rung"
expect runs/asha 's["status"]["0"] == "finished" or s["status"]["1"] == "finished"' "a good config trains to the end"
best=$(tail -n +2 runs/asha/leaderboard.csv | head -1)
[[ $(echo "$best" | cut -d, -f2) =~ ^[01]$ ]] || fail "the best trial is a good config: $best"
[[ $(echo "$best" | awk -F, '{print $(NF-2)}') == 8 ]] || fail "the best trial trains max_epochs: $best"
grep -q 'epochs: 8' runs/asha/trials/0000/config.yaml || fail "ASHA's max_epochs sets the trials' epochs"
echo "asha_real: ok"
