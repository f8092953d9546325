#!/usr/bin/env bash
# Training samples/s of the seed's three models at batch 32, one and two
# threads: genre's Trainer epoch and bare step (bench_train) beside PyTorch 1.13
# from Python (pytorch_reference.py, Debian's python3-torch) on the same
# machine, in alternating rounds of one run, so that the ratios compare like
# with like on a shared machine. Prints a markdown table of medians. PyTorch
# runs twice: as installed, and with OpenBLAS at one thread as genre runs it
# (src/train/threads.h), which is PyTorch's own best on this machine.
# Usage: bench/bench_training.sh [BUILD_DIR] (ROUNDS=3 by default)
set -euo pipefail
build=${1:-build}
rounds=${ROUNDS:-3}
here=$(cd "$(dirname "$0")" && pwd)
/usr/bin/python3 -c "import torch" 2>/dev/null || {
  echo "bench_training: needs PyTorch for Python: apt-get install python3-torch" >&2
  exit 1
}
out=$(mktemp -d)
for r in $(seq "$rounds"); do
  echo "round $r/$rounds" >&2
  # PyTorch as installed, and with OpenBLAS at one thread as genre runs it.
  /usr/bin/python3 "$here/pytorch_reference.py" --threads 1 2 --repeats 1 >"$out/py-$r.txt"
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/pytorch_reference.py" --threads 1 2 --repeats 1 |
    sed 's/^pytorch /pytorch1 /' >>"$out/py-$r.txt"
  "$build/bench/bench_train" --benchmark_filter='step_loop/.*/flat:1|trainer_epoch' \
    --benchmark_format=json >"$out/cc-$r.json" 2>/dev/null
done
/usr/bin/python3 - "$out" "$rounds" <<'PY'
import json, re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
models = ["mlp", "cnn", "resnet"]
rates = {}  # (who, model, threads) -> [samples/s per round]
for r in range(1, rounds + 1):
    for line in open(f"{out}/py-{r}.txt"):
        m = re.match(r"(pytorch1?) (\w+) threads=(\d+) samples_per_s=(\d+)", line)
        rates.setdefault((m[1], m[2], int(m[3])), []).append(float(m[4]))
    for b in json.load(open(f"{out}/cc-{r}.json"))["benchmarks"]:
        kind = b["name"].split("/")[0]
        model = models[int(re.search(r"model:(\d)", b["name"])[1])]
        threads = int(re.search(r"threads:(\d)", b["name"])[1])
        rates.setdefault((kind, model, threads), []).append(b["items_per_second"])
med = {k: statistics.median(v) for k, v in rates.items()}
print("| model | threads | genre trainer epoch | genre bare step | PyTorch as installed | PyTorch, OpenBLAS 1 thread "
      "| epoch / PyTorch (installed, tuned) |")
print("|---|---|---|---|---|---|---|")
for model in models:
    for t in (1, 2):
        e, s = med[("trainer_epoch", model, t)], med[("step_loop", model, t)]
        p, p1 = med[("pytorch", model, t)], med[("pytorch1", model, t)]
        print(f"| {model} | {t} | {e:,.0f} | {s:,.0f} | {p:,.0f} | {p1:,.0f} | **{e / p:.2f}x**, {e / p1:.2f}x |")
print(f"\n(samples/s, medians of {rounds} alternating rounds)")
PY
rm -rf "$out"
