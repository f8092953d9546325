#!/usr/bin/env bash
# Search quality (median best-so-far regret at 10, 25 and 50 trials over the
# seeds, with its interquartile range and a bootstrap 95% interval of the
# difference genre - Optuna: bench/bench_tpe_stats.py) and suggestion cost
# (ms at 100 and 1,000 finished trials) of genre's TPE and random search
# beside Optuna 3.1's TPESampler and RandomSampler, in one run:
#
#   bash bench/bench_tpe.sh [BUILD_DIR] [--seeds 20] [--functions branin,mixed]
#                           [--methods tpe,tpe_multivariate,random] [--no-cost]
#
# --seeds, --functions and --methods go to both sides (functions: branin,
# hartmann6, hartmann6_noisy, mixed). Optuna's multivariate with group=True
# (tpe_multivariate_group) has no genre twin of that name: run
# bench_tpe_optuna.py --methods tpe_multivariate_group --per-seed and append
# its rows to the file below; the stats then set genre's multivariate beside
# it too. The per-seed rows are kept in
# BUILD_DIR/bench_tpe_quality.tsv. Optuna comes from Debian's python3-optuna
# (bench only: apt-get install python3-optuna). On a shared machine run it
# under nice; the numbers are regrets and CPU times, so load does not change them.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
pass=() cost=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --seeds | --functions | --methods) [[ $# -ge 2 ]] || { echo "$1 needs a value" >&2; exit 2; }; pass+=("$1" "$2"); shift 2 ;;
    --no-cost) cost=0; shift ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
done
/usr/bin/python3 -c 'import optuna' 2>/dev/null || { echo "needs python3-optuna (apt-get install python3-optuna)" >&2; exit 2; }
rows=$build/bench_tpe_quality.tsv
"$build/bench/bench_tpe" quality --per-seed "${pass[@]}" >"$rows"
/usr/bin/python3 bench/bench_tpe_optuna.py quality --per-seed "${pass[@]}" >>"$rows"
echo "# search quality: regret of the best trial so far after 10, 25, 50 trials (per-seed rows: $rows)"
/usr/bin/python3 bench/bench_tpe_stats.py <"$rows"
[[ $cost == 1 ]] || exit 0
echo "# suggestion cost: method, finished trials, CPU ms per suggestion (median of 15; hartmann6, 6 parameters)"
"$build/bench/bench_tpe" cost
/usr/bin/python3 bench/bench_tpe_optuna.py cost
