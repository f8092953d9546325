#!/usr/bin/env bash
# Trainer epoch speed of two bench_train binaries (e.g. before and after a
# change to src/train), in alternating rounds of one run so that both see the
# same shared machine, as medians per model and thread count, with the ratio.
# Beside the wall-clock rate it prints samples per second of the benchmark
# thread's CPU time: on a machine shared with other builds the wall clock
# mostly measures the wait for a core, while with one torch thread (all of
# the work on the benchmark's thread) the CPU time still measures the work.
# Usage: bench/compare_train.sh OLD_BENCH_TRAIN NEW_BENCH_TRAIN [FILTER]
#   ROUNDS (default 7); FILTER defaults to the MLP and CNN trainer epochs.
set -euo pipefail
old=$1 new=$2
filter=${3:-'trainer_epoch/model:[01]/'}
rounds=${ROUNDS:-7}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq "$rounds"); do
  echo "round $r/$rounds" >&2
  "$old" --benchmark_filter="$filter" --benchmark_format=json >"$out/old-$r.json" 2>/dev/null
  "$new" --benchmark_filter="$filter" --benchmark_format=json >"$out/new-$r.json" 2>/dev/null
done
/usr/bin/python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
rates, cpu = {}, {}
for who in ("old", "new"):
    for r in range(1, rounds + 1):
        for b in json.load(open(f"{out}/{who}-{r}.json"))["benchmarks"]:
            rates.setdefault((b["label"], who), []).append(b["items_per_second"])
            cpu.setdefault((b["label"], who), []).append(b["items_per_second"] * b["real_time"] / b["cpu_time"])
print("| benchmark | old samples/s | new samples/s | new / old | old range | new range |")
print("|---|---|---|---|---|---|")
for label in sorted({k[0] for k in rates}):
    old, new = rates[(label, "old")], rates[(label, "new")]
    o, n = statistics.median(old), statistics.median(new)
    print(f"| {label} | {o:,.0f} | {n:,.0f} | {n / o:.3f} | {min(old):,.0f}-{max(old):,.0f} "
          f"| {min(new):,.0f}-{max(new):,.0f} |")
print(f"\n(samples/s of wall-clock time, medians of {rounds} alternating rounds; ranges: slowest to fastest round)\n")
print("| benchmark | old samples/CPU-s | new samples/CPU-s | new / old |")
print("|---|---|---|---|")
for label in sorted({k[0] for k in cpu}):
    o, n = statistics.median(cpu[(label, "old")]), statistics.median(cpu[(label, "new")])
    print(f"| {label} | {o:,.0f} | {n:,.0f} | {n / o:.3f} |")
PY
