#!/usr/bin/env bash
# Search quality (median best-so-far regret at 10, 25 and 50 trials over 20
# seeds) and suggestion cost (ms at 100 and 1,000 finished trials) of genre's
# TPE and random search beside Optuna 3.1's TPESampler and RandomSampler, in
# one run: bash bench/bench_tpe.sh [BUILD_DIR]. Optuna comes from Debian's
# python3-optuna (bench only: apt-get install python3-optuna).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
/usr/bin/python3 -c 'import optuna' 2>/dev/null || { echo "needs python3-optuna (apt-get install python3-optuna)" >&2; exit 2; }
echo "# search quality: method, function, median regret after 10, 25, 50 trials (20 seeds)"
"$build/bench/bench_tpe" quality
/usr/bin/python3 bench/bench_tpe_optuna.py quality
echo "# suggestion cost: method, finished trials, CPU ms per suggestion (median of 15; hartmann6, 6 parameters)"
"$build/bench/bench_tpe" cost
/usr/bin/python3 bench/bench_tpe_optuna.py cost
