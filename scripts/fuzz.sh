#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang with ASan/UBSan) into
# build-fuzz/ and runs each for SECONDS (default 300), one at a time, nice'd,
# starting from the seed corpus in tests/fuzz/corpus/<target>. Prints, per
# target, how long it ran clean and how many inputs it executed.
#
#   scripts/fuzz.sh                    # every target, 5 minutes each
#   scripts/fuzz.sh 10                 # what scripts/test.sh runs
#   scripts/fuzz.sh 3600 feature_csv   # one target, an hour
#
# New inputs that reach new code go to build-fuzz/corpus/<target> (kept
# between runs, so longer runs build on shorter ones); a crash leaves its
# input as build-fuzz/crashes/<target>-crash-<sha1> and makes the script fail.
# Reproduce one: build-fuzz/fuzz_<target> <that file>. Once the reader is
# fixed, copy it to tests/fuzz/corpus/<target>/ as a regression.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(container_header feature_csv journal manifest train_config sweep_spec job_spec)

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
# Whole seconds since a $EPOCHREALTIME reading.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }'; }
start=$EPOCHREALTIME
[[ -f build-fuzz/CMakeCache.txt ]] ||
  CC=clang CXX=clang++ cmake -S tests/fuzz -B build-fuzz -G Ninja "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j "${GENRE_BUILD_JOBS:-$(nproc)}" >/dev/null
echo "fuzz: built in $(since "$start") s"

mkdir -p build-fuzz/crashes
failed=()
printf '%-18s %8s %12s %10s %s\n' target seconds executions exec/s result
for t in "${targets[@]}"; do
  work=build-fuzz/corpus/$t
  log=build-fuzz/fuzz_$t.log
  mkdir -p "$work"
  rc=0
  t0=$EPOCHREALTIME
  # -timeout: an input taking 10 s is a hang; -rss_limit_mb: a reader
  # allocating 2 GiB for a small input is a finding too.
  nice -n 19 "build-fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$t-" "$work" "tests/fuzz/corpus/$t" \
    >"$log" 2>&1 || rc=$?
  ran=$(since "$t0")
  execs=$(awk '/stat::number_of_executed_units/{print $2}' "$log")
  rate=$(awk '/stat::average_exec_per_sec/{print $2}' "$log")
  if ((rc == 0)); then
    result=clean
  else
    result="FAILED (exit $rc): $(grep -m1 -E '==genre-fuzz==|ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error' "$log" || true)"
    failed+=("$t")
  fi
  printf '%-18s %8s %12s %10s %s\n' "$t" "${ran:-?}" "${execs:-?}" "${rate:-?}" "$result"
done
if ((${#failed[@]})); then
  echo "fuzz: ${failed[*]} failed; logs in build-fuzz/fuzz_<target>.log, inputs in build-fuzz/crashes/" >&2
  exit 1
fi
