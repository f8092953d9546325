#!/usr/bin/env bash
# On a real one-node SLURM cluster, through `genre submit`: the pipeline
# preprocess (2 ranks) -> search (1 coordinator + 2 workers), chained with
# afterok, and the leaderboard it produced.
# Usage: cluster_pipeline.sh GENRE SCRATCH
set -euo pipefail
genre=$1
scratch=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/sweep_lib.sh"
cluster_test_begin "$genre" "$scratch" search

make_corpus "$genre" corpus
mkdir -p jobs
write_sweep jobs/sweep.yaml 4 3
cat >pipeline.yaml <<'YAML'
name: pipe
resources: {time: "00:10:00", output: logs}
preprocess: {input: corpus, output: dataset, resources: {ntasks-per-node: 2}}
search: {spec: jobs/sweep.yaml, out: runs/pipe, resources: {ntasks-per-node: 2, time: "00:10:00"}}
YAML
mapfile -t ids < <("$genre" submit pipeline.yaml --parsable)
((${#ids[@]} == 2)) || fail "expected two job ids, got: ${ids[*]}"
[[ $(job_field "${ids[1]}" Dependency) == *"afterok:${ids[0]}"* ]] \
  || fail "the search job does not depend on the preprocess job: $(job_field "${ids[1]}" Dependency)"
state=$(wait_job "${ids[1]}" 240)
[[ $(job_field "${ids[0]}" JobState) == COMPLETED ]] || fail "preprocess job ended $(job_field "${ids[0]}" JobState)"
[[ $state == COMPLETED ]] || fail "search job ended $state"
log=logs/pipe-search-${ids[1]}.out
grep -q "1 coordinator + 2 worker ranks" "$log" || fail "the sweep did not run on 1 + 2 ranks"
python3 "$here/check_sweep.py" runs/pipe || fail "the sweep's journal or leaderboard is wrong"
[[ $(tail -n +2 runs/pipe/leaderboard.csv | wc -l) == 4 ]] || fail "the leaderboard does not list 4 trials"
for f in leaderboard.md report.html best.yaml; do [[ -s runs/pipe/$f ]] || fail "no $f"; done
echo "ok: pipeline jobs ${ids[*]}; leaderboard:"
cat runs/pipe/leaderboard.md
echo "cluster_pipeline: all passed"
