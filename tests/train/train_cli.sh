# genre train and genre classify end to end on a `genre synth` corpus: a model
# trained briefly beats chance clearly; bad configs fail before any work;
# SIGTERM saves the state and exits 143, --resume finishes the run; two ranks
# train data-parallel; classify agrees with the trainer's own test metrics and
# reports a bad file without stopping. $1 = genre binary, $2 = scratch folder.
set -euo pipefail
GENRE=$1
SCRATCH=$2
JOBS="$(cd "$(dirname "$0")/../../jobs" && pwd)"
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH" && cd "$SCRATCH"
fail() { echo "FAIL: $*" >&2; exit 1; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

"$GENRE" synth --output corpus --classes 4 --tracks 10 --seconds 30 --seed 5 >/dev/null
"$GENRE" preprocess --input corpus --output ds --split track:0.6,0.2,0.2 --quiet
# A narrower seed CNN, so the test stays quick on two cores; one thread per rank.
small=(--config "$JOBS/seed-cnn.yaml" --set model.filters=[16,16,16] --set model.dense=32 --set optim.lr=1e-3
       --set data.standardize=true --set model.bn_momentum=0.1 --set train.threads=1)

# Bad arguments and configs: exit 2, the key named, nothing written.
set +e
"$GENRE" train --data ds "${small[@]}" --set optim.lr=-1 --out bad 2>err; rc=$?
set -e
[[ $rc == 2 ]] || fail "a bad config must exit 2, got $rc"
grep -q "optim.lr" err || fail "the error must name optim.lr: $(cat err)"
[[ -e bad ]] && fail "a rejected config must not create the run folder"

# A brief training run: 4 classes, chance is 25%. The test split holds 8 tracks
# = 80 segments; 60% correct by chance has probability < 1e-9 (binomial,
# p = 0.25), while the synth classes are separable enough for far more.
"$GENRE" train --data ds "${small[@]}" --set train.epochs=6 --out run --quiet
for f in config.yaml model.json checkpoint.pt state.pt metrics.jsonl final.json confusion.csv; do
  [[ -s run/$f ]] || fail "run/$f missing"
done
[[ $(wc -l < run/metrics.jsonl) == 6 ]] || fail "expected 6 lines in metrics.jsonl"
acc=$(json run/final.json "d['test']['accuracy']")
/usr/bin/python3 -c "import sys; sys.exit(0 if $acc >= 0.6 else 1)" || fail "test accuracy $acc is not clearly above chance"

# SIGTERM mid-run: state saved, exit 143; the folder refuses a fresh start; --resume finishes.
"$GENRE" train --data ds "${small[@]}" --set train.epochs=500 --out term --quiet &
pid=$!
for _ in $(seq 1 600); do [[ -s term/metrics.jsonl ]] && break; sleep 0.1; done
[[ -s term/metrics.jsonl ]] || fail "no epoch finished"
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
[[ $rc == 143 ]] || fail "SIGTERM must exit 143, got $rc"
[[ -s term/state.pt ]] || fail "no state.pt after SIGTERM"
[[ -e term/final.json ]] && fail "an interrupted run must not write final.json"
done_epochs=$(wc -l < term/metrics.jsonl)
set +e; "$GENRE" train --data ds "${small[@]}" --out term 2>err; rc=$?; set -e
[[ $rc == 2 ]] || fail "reusing a run folder without --resume must exit 2, got $rc"
"$GENRE" train --data ds "${small[@]}" --set train.epochs=$((done_epochs + 2)) --out term --resume --quiet
[[ $(wc -l < term/metrics.jsonl) == $((done_epochs + 2)) ]] || fail "resume must finish the remaining epochs"
[[ $(json term/final.json "d['epochs_run']") == $((done_epochs + 2)) ]] || fail "final.json epochs_run"

# Two ranks, data parallel over MPI.
"$MPIEXEC" --oversubscribe -n 2 "$GENRE" train --data ds "${small[@]}" --set train.epochs=2 --out dp --quiet
[[ $(json dp/final.json "d['ranks']") == 2 ]] || fail "final.json must record 2 ranks"

# classify on the test split's files: the same track accuracy as the trainer
# measured on the same tracks (same features, same standardisation, same vote),
# for the well-trained model and for the 2-epoch one that still errs.
test_files=$(json ds/dataset.json "'\n'.join('corpus/' + t.split('.')[0] + '/' + t + '.wav' for t in d['split']['test'])")
for model in run dp; do
  "$GENRE" classify --model $model --format json $test_files --output $model.json --quiet
  /usr/bin/python3 - $model/final.json $model.json <<'PY' || fail "classify with $model disagrees with the trainer's test track accuracy"
import json, sys
final = json.load(open(sys.argv[1])); results = json.load(open(sys.argv[2]))
right = sum(r["genre"] == r["file"].split("/")[1] for r in results)
want = final["test"]["track_accuracy"]
print(f"classify track accuracy {right}/{len(results)}, trainer {want}")
assert len(results) == 8 and abs(right / len(results) - want) < 1e-9
assert all(len(r["top"]) == 3 and len(r["segments"]) == 10 for r in results)
PY
done

# A bad file gets its line with the reason; the rest go on, under two ranks.
printf 'not audio' > corpus/blues/broken.wav
"$MPIEXEC" --oversubscribe -n 2 "$GENRE" classify --model run corpus --output all.csv --quiet
[[ $(wc -l < all.csv) == 42 ]] || fail "expected a header and 41 lines, got $(wc -l < all.csv)"
grep -q '^corpus/blues/broken.wav,.*not audio' all.csv || fail "the broken file's line must give the reason"
echo "train_cli: ok"
