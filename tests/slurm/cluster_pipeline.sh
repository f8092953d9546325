#!/usr/bin/env bash
# On a real one-node SLURM cluster, through `genre submit`: the repository's
# own demo pipeline, jobs/pipeline-demo.yaml as a user submits it (preprocess
# with the feature table on 2 ranks -> the 12-trial demo sweep of the three
# seed models with ASHA on 1 coordinator + 2 workers -> classify with the
# sweep's best model (RUN/best) on 2 ranks, chained with afterok), and the
# leaderboard and predictions it produced.
# Usage: cluster_pipeline.sh GENRE SCRATCH
set -euo pipefail
genre=$1
scratch=$2
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
cluster_test_begin "$genre" "$scratch"
LOG_DIR=$scratch/demo/slurm-logs

# What the spec's header comment tells a user to do, in a copy of the layout
# it expects (paths relative to the folder genre submit runs in).
mkdir -p jobs
cp "$repo/jobs/pipeline-demo.yaml" "$repo/jobs/demo-sweep.yaml" jobs/
"$genre" synth --output demo/corpus --classes 10 --tracks 12 --seconds 30 >/dev/null
mapfile -t ids < <("$genre" submit jobs/pipeline-demo.yaml --parsable)
((${#ids[@]} == 3)) || fail "expected three job ids, got: ${ids[*]}"
[[ $(job_field "${ids[1]}" Dependency) == *"afterok:${ids[0]}"* ]] \
  || fail "the search job does not depend on the preprocess job: $(job_field "${ids[1]}" Dependency)"
[[ $(job_field "${ids[2]}" Dependency) == *"afterok:${ids[1]}"* ]] \
  || fail "the classify job does not depend on the search job: $(job_field "${ids[2]}" Dependency)"
state=$(wait_job "${ids[2]}" 270)
[[ $(job_field "${ids[0]}" JobState) == COMPLETED ]] || fail "preprocess job ended $(job_field "${ids[0]}" JobState)"
[[ $(job_field "${ids[1]}" JobState) == COMPLETED ]] || fail "search job ended $(job_field "${ids[1]}" JobState)"
[[ $state == COMPLETED ]] || fail "classify job ended $state"
grep -q "on 2 rank(s)" "$LOG_DIR/genre-demo-preprocess-${ids[0]}.out" || fail "preprocess did not run on 2 ranks"
grep -q "1 coordinator + 2 worker ranks" "$LOG_DIR/genre-demo-search-${ids[1]}.out" \
  || fail "the sweep did not run on 1 + 2 ranks"
[[ $(python3 -c "import json; print(len(json.load(open('demo/dataset/dataset.json'))['params']['table_columns']))") == 58 ]] \
  || fail "the demo dataset has no feature table (the MLP trials need it)"
python3 "$here/check_sweep.py" demo/runs/demo --trials 12 || fail "the sweep's journal or leaderboard is wrong"
models=$(python3 -c "import csv; print(' '.join(sorted({r['model'] for r in csv.DictReader(open('demo/runs/demo/leaderboard.csv'))})))")
[[ $models == "cnn mlp resnet" ]] || fail "the demo sweep should train all three seed models, got: $models"
grep -q '"event": *"trial_pruned"' demo/runs/demo/journal.jsonl || fail "ASHA pruned no trial of the demo sweep"
for f in leaderboard.md report.html best.yaml; do [[ -s demo/runs/demo/$f ]] || fail "no $f"; done
[[ -L demo/runs/demo/best ]] || fail "no demo/runs/demo/best link"
python3 - <<'PY' || fail "the classify job's predictions are wrong"
import csv
rows = list(csv.DictReader(open("demo/predictions.csv")))
assert len(rows) == 120, f"{len(rows)} rows, expected the corpus's 120 files"
assert all(r["error"] == "" and r["genre"] for r in rows), [r for r in rows if r["error"]][:3]
right = sum(r["genre"] == r["file"].split("/")[-2] for r in rows)
print(f"classify: {right}/120 files labelled with their folder's genre")
PY
echo "ok: pipeline jobs ${ids[*]}; leaderboard:"
cat demo/runs/demo/leaderboard.md
echo "cluster_pipeline: all passed"
