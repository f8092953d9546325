#!/usr/bin/env bash
# On the multi-host bed, through `genre submit`: the repository's demo
# pipeline (jobs/pipeline-demo.yaml: preprocess -> the 12-trial ASHA sweep of
# the three seed models -> classify with the sweep's best model, chained with
# afterok) with every stage spread over the 3 hosts, one rank per host (the
# sweep: a coordinator and 3 one-rank groups, one group per host), and the
# leaderboard and predictions it produced.
# Usage: pipeline.sh GENRE SCRATCH
set -euo pipefail
genre=$1
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
bed_test_begin "$genre" "$2"
LOG_DIR=$2/demo/slurm-logs

# The demo spec as it is, but each stage on 3 nodes x 1 rank instead of
# 1 node x 2, and Open MPI pinned to the bed's network.
mkdir -p jobs
cp "$repo/jobs/demo-sweep.yaml" jobs/
sed -e 's/nodes: 1, ntasks-per-node: 2/nodes: 3, ntasks-per-node: 1/' \
  -e "s|^launcher: srun.*|&\n$(bed_mpi_env)|" "$repo/jobs/pipeline-demo.yaml" >jobs/pipeline-demo.yaml
[[ $(grep -c 'nodes: 3, ntasks-per-node: 1' jobs/pipeline-demo.yaml) == 3 && $(grep -c '^env:' jobs/pipeline-demo.yaml) == 1 ]] \
  || fail "jobs/pipeline-demo.yaml changed: this test no longer knows how to spread its stages over 3 nodes"
"$genre" synth --output demo/corpus --classes 10 --tracks 6 --seconds 15 >/dev/null
mapfile -t ids < <("$genre" submit jobs/pipeline-demo.yaml --parsable)
((${#ids[@]} == 3)) || fail "expected three job ids, got: ${ids[*]}"
state=$(wait_job "${ids[2]}" 300)
[[ $(job_field "${ids[0]}" JobState) == COMPLETED ]] || fail "preprocess job ended $(job_field "${ids[0]}" JobState)"
[[ $(job_field "${ids[1]}" JobState) == COMPLETED ]] || fail "search job ended $(job_field "${ids[1]}" JobState)"
[[ $state == COMPLETED ]] || fail "classify job ended $state"
grep -q "on node\[1-3\]: 3 ranks" "$LOG_DIR/genre-demo-preprocess-${ids[0]}.out" || fail "preprocess did not run on node[1-3]"
grep -q "on 3 rank(s)" "$LOG_DIR/genre-demo-preprocess-${ids[0]}.out" || fail "preprocess did not run on 3 ranks"
grep -q "on node\[1-3\]: 1 coordinator + 3 worker ranks" "$LOG_DIR/genre-demo-search-${ids[1]}.out" \
  || fail "the sweep did not run on node[1-3] with 1 + 3 ranks"
grep -q "on node\[1-3\]: 3 ranks" "$LOG_DIR/genre-demo-classify-${ids[2]}.out" || fail "classify did not run on node[1-3]"
python3 "$here/../slurm/check_sweep.py" demo/runs/demo --trials 12 || fail "the sweep's journal or leaderboard is wrong"
# Every group (one per host) trained trials.
groups=$(python3 -c "import json; print(sorted({e['group'] for e in map(json.loads, open('demo/runs/demo/journal.jsonl')) if e['event'] == 'trial_started'}))")
[[ $groups == "[0, 1, 2]" ]] || fail "trials ran on groups $groups, not on all three hosts' groups"
models=$(python3 -c "import csv; print(' '.join(sorted({r['model'] for r in csv.DictReader(open('demo/runs/demo/leaderboard.csv'))})))")
[[ $models == "cnn mlp resnet" ]] || fail "the demo sweep should train all three seed models, got: $models"
[[ -L demo/runs/demo/best ]] || fail "no demo/runs/demo/best link"
python3 - <<'PY' || fail "the classify job's predictions are wrong"
import csv
rows = list(csv.DictReader(open("demo/predictions.csv")))
assert len(rows) == 60, f"{len(rows)} rows, expected the corpus's 60 files"
assert all(r["error"] == "" and r["genre"] for r in rows), [r for r in rows if r["error"]][:3]
right = sum(r["genre"] == r["file"].split("/")[-2] for r in rows)
print(f"classify: {right}/60 files labelled with their folder's genre")
PY
echo "ok: pipeline jobs ${ids[*]} on node[1-3]; leaderboard:"
cat demo/runs/demo/leaderboard.md
echo "multinode_pipeline: all passed"
