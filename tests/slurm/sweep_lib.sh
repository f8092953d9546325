# Sweep specs for the cluster tests (sourced after lib.sh): a small grid of
# CNNs on the synthetic corpus. EPOCHS sets how long each trial trains, and so
# how long the sweep runs on the test machine.
write_sweep() {  # FILE TRIALS EPOCHS
  local values
  case $2 in
    4) values="[0.001, 0.002, 0.003, 0.004]" ;;
    6) values="[0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035]" ;;
    *) values="[0.001, 0.002]" ;;
  esac
  cat >"$1" <<YAML
method: grid
metric: {name: val_accuracy, goal: maximize}
seed: 3
ranks_per_trial: 1
base:
  model: {name: cnn}
  data: {batch_size: 16}
  train: {epochs: $3, seed: 1, device: cpu, threads: 1}
parameters:
  optim.lr: {values: $values}
YAML
}

# The dataset the sweeps train on, preprocessed directly (no job needed).
make_dataset() {  # GENRE DIR
  "$1" synth --output "$2/corpus" --classes 3 --tracks 8 --seconds 9 >/dev/null
  "$1" preprocess --input "$2/corpus" --output "$2/dataset" --quiet >/dev/null
}
