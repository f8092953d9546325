#!/usr/bin/env bash
# Streaming vs in-memory training (issue #11, docs/streaming.md), side by side
# in one run on `genre synth --features` datasets:
#   speed  the seed CNN on MFCC slices: training samples/s (metrics.jsonl,
#          epochs 2.., median over rounds that alternate the two backends)
#   rss    peak RSS (/usr/bin/time -v) of `genre train` (one epoch of the
#          MLP) on log-mel 128 datasets of growing size: in memory it grows with
#          the data, streaming it stays flat at about the budget plus LibTorch
# The backend is chosen by data.memory_budget_mb alone: a budget above the
# data's size holds it in memory, one below streams.
# Usage: bench/bench_streaming.sh [BUILD_DIR]
#   SPEED_SEGMENTS=20000 (MFCC; streamed under a 16 MiB budget, more than 2500 stream) EPOCHS=3 ROUNDS=3 RSS_SIZES="10000 40000" BUDGET_MB=256
#   THREADS=1 RANKS=1 (RANKS=2: under mpiexec -n 2), WORK=scratch folder (kept)
set -euo pipefail
build=${1:-build}
genre=$(cd "$build" && pwd)/src/cli/genre
here=$(cd "$(dirname "$0")" && pwd)
speed_segments=${SPEED_SEGMENTS:-20000}
epochs=${EPOCHS:-3}
rounds=${ROUNDS:-3}
rss_sizes=${RSS_SIZES:-10000 40000}
budget=${BUDGET_MB:-256}
threads=${THREADS:-1}
ranks=${RANKS:-1}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
echo "bench_streaming: scratch in $work" >&2

# A dataset of n segments (10 classes, 10 segments a track), made once.
dataset() {
  local feature=$1 n=$2 dir="$work/$1-$2"
  [[ -s $dir/dataset.json ]] || "$genre" synth --features "$feature" --output "$dir" --classes 10 \
    --tracks $((n / 100)) --segments 10 --split track:0.9,0.05,0.05 >&2
  echo "$dir"
}

# train DATA OUT BUDGET_MB ARGS...: one run; the largest peak RSS of its
# ranks (kB, each rank under its own /usr/bin/time) on stdout.
train() {
  local data=$1 out=$2 mb=$3
  shift 3
  rm -rf "$out" "$out".time.*
  local cmd=("$genre" train --data "$data" --out "$out" --quiet --set data.memory_budget_mb="$mb"
             --set train.threads="$threads" "$@")
  if [[ $ranks -gt 1 ]]; then
    mpiexec --oversubscribe -n "$ranks" bash -c '/usr/bin/time -v -o "$0.time.$OMPI_COMM_WORLD_RANK" "$@"' \
      "$out" "${cmd[@]}" >/dev/null
  else
    /usr/bin/time -v -o "$out.time.0" "${cmd[@]}" >/dev/null
  fi
  cat "$out".time.* | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); if ($2 > m) m = $2} END {print m}'
}

mfcc=$(dataset mfcc "$speed_segments")
cnn=(--config "$here/../jobs/seed-cnn.yaml" --set train.epochs="$epochs" --set train.patience=0)
for r in $(seq "$rounds"); do
  echo "speed round $r/$rounds" >&2
  train "$mfcc" "$work/speed-memory-$r" 100000 "${cnn[@]}" >"$work/speed-memory-$r.rss"
  train "$mfcc" "$work/speed-stream-$r" 16 "${cnn[@]}" >"$work/speed-stream-$r.rss"
done
for n in $rss_sizes; do
  logmel=$(dataset logmel "$n")
  echo "rss at $n log-mel segments" >&2
  train "$logmel" "$work/rss-memory-$n" 100000 --set model.name=mlp --set train.epochs=1 --set train.patience=0 \
    >"$work/rss-memory-$n.rss"
  train "$logmel" "$work/rss-stream-$n" "$budget" --set model.name=mlp --set train.epochs=1 --set train.patience=0 \
    >"$work/rss-stream-$n.rss"
done

/usr/bin/python3 - "$work" "$rounds" "$rss_sizes" "$speed_segments" "$budget" "$ranks" <<'PY'
import json, os, statistics, sys
work, rounds, sizes, speed_n, budget, ranks = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4], sys.argv[5], sys.argv[6]
def rate(run):
    lines = [json.loads(l) for l in open(f"{work}/{run}/metrics.jsonl")]
    return statistics.median(l["samples_per_s"] for l in lines[1:] or lines)
def rss(run):
    return int(open(f"{work}/{run}.rss").read().split()[0]) / 1024
print(f"\nSeed CNN on MFCC, {speed_n} segments, {ranks} rank(s), median of {rounds} rounds (epochs 2..):\n")
print("| backend | training samples/s | peak RSS (MiB) |\n|---|---|---|")
m = statistics.median(rate(f"speed-memory-{r}") for r in range(1, rounds + 1))
s = statistics.median(rate(f"speed-stream-{r}") for r in range(1, rounds + 1))
for name, v, kind in (("in memory", m, "memory"), ("streaming (16 MiB budget)", s, "stream")):
    peak = statistics.median(rss(f"speed-{kind}-{r}") for r in range(1, rounds + 1))
    print(f"| {name} | {v:.0f} | {peak:.0f} |")
print(f"\nstreaming / in memory: {s / m:.2f}x\n")
print(f"Peak RSS of one MLP epoch on log-mel 128 ({ranks} rank(s)), streaming budget {budget} MiB:\n")
print("| segments | data (MiB) | in memory (MiB) | streaming (MiB) |\n|---|---|---|---|")
for n in sizes:
    data = int(n) * 130 * 128 * 4 / 2**20
    print(f"| {n} | {data:.0f} | {rss(f'rss-memory-{n}'):.0f} | {rss(f'rss-stream-{n}'):.0f} |")
PY
