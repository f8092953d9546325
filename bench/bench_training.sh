#!/usr/bin/env bash
# Training samples/s of the seed's models at batch 32, one and two threads:
# genre's Trainer epoch and bare step (bench_train) beside PyTorch 1.13 from
# Python (pytorch_reference.py, Debian's python3-torch) on the same machine, in
# alternating rounds of one run, so that the ratios compare like with like on a
# shared machine. Prints markdown tables of medians. PyTorch runs twice: as
# installed, and with OpenBLAS at one thread as genre runs it
# (src/train/threads.h), which is PyTorch's own best on this machine.
#
# The image experiments (spectrogram_cnn; mobilenet_v2 with its backbone frozen
# as the seed trained it; mobilenet_v2_full, every layer trained) run on
# 3 x S x S images, one warm-up step and three timed ones per measurement on
# both sides (a step takes seconds), genre's bare step only (the trainer cannot
# freeze yet).
# Usage: bench/bench_training.sh [BUILD_DIR]
#   ROUNDS=3, MODELS="mlp cnn resnet", IMAGE_MODELS="spectrogram_cnn mobilenet_v2
#   mobilenet_v2_full", IMAGE_SIZES="128" (64, 128 and 256 are built in); an empty
#   list skips that part.
set -euo pipefail
build=${1:-build}
rounds=${ROUNDS:-3}
models=${MODELS-mlp cnn resnet}
image_models=${IMAGE_MODELS-spectrogram_cnn mobilenet_v2 mobilenet_v2_full}
image_sizes=${IMAGE_SIZES-128}
here=$(cd "$(dirname "$0")" && pwd)
/usr/bin/python3 -c "import torch" 2>/dev/null || {
  echo "bench_training: needs PyTorch for Python: apt-get install python3-torch" >&2
  exit 1
}

# bench_train's names for the models: the index in its kModels, and frozen or not.
declare -A index=([mlp]=0 [cnn]=1 [resnet]=2)
declare -A image_args=([spectrogram_cnn]="model:3/threads:./frozen:0" [mobilenet_v2]="model:4/threads:./frozen:1"
  [mobilenet_v2_full]="model:4/threads:./frozen:0")
slices=()
for m in $models; do slices+=("${index[$m]:?unknown model $m}"); done
images=()
for m in $image_models; do images+=("${image_args[$m]:?unknown image model $m}"); done
join() { local IFS='|'; echo "$*"; }

# PyTorch as installed, and with OpenBLAS at one thread as genre runs it.
pytorch() {
  /usr/bin/python3 "$here/pytorch_reference.py" --threads 1 2 --repeats 1 "$@"
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/pytorch_reference.py" --threads 1 2 --repeats 1 "$@" |
    sed 's/^pytorch /pytorch1 /'
}

out=$(mktemp -d)
for r in $(seq "$rounds"); do
  echo "round $r/$rounds" >&2
  : >"$out/py-$r.txt"
  if ((${#slices[@]})); then
    # shellcheck disable=SC2086
    pytorch --models $models >>"$out/py-$r.txt"
    m="($(join "${slices[@]}"))"
    "$build/bench/bench_train" --benchmark_filter="step_loop/model:$m/.*/flat:1|trainer_epoch/model:$m/" \
      --benchmark_format=json >"$out/cc-$r.json" 2>/dev/null
  fi
  for size in $image_sizes; do
    if ((${#images[@]})); then
      # shellcheck disable=SC2086
      pytorch --models $image_models --image-size "$size" >>"$out/py-$r.txt"
      "$build/bench/bench_train" --benchmark_filter="image_step/($(join "${images[@]}"))/size:$size/" \
        --benchmark_format=json >"$out/cc-$r-$size.json" 2>/dev/null
    fi
  done
done
/usr/bin/python3 - "$out" "$rounds" "$models" "$image_models" "$image_sizes" <<'PY'
import glob, json, re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
models, image_models, sizes = sys.argv[3].split(), sys.argv[4].split(), sys.argv[5].split()
names = ["mlp", "cnn", "resnet", "spectrogram_cnn", "mobilenet_v2"]
rates = {}  # (who, model, threads) -> [samples/s per round]
for r in range(1, rounds + 1):
    for line in open(f"{out}/py-{r}.txt"):
        m = re.match(r"(pytorch1?) (\S+) threads=(\d+) samples_per_s=([\d.]+)", line)
        rates.setdefault((m[1], m[2], int(m[3])), []).append(float(m[4]))
    for f in glob.glob(f"{out}/cc-{r}*.json"):
        for b in json.load(open(f))["benchmarks"]:
            kind = b["name"].split("/")[0]
            model = names[int(re.search(r"model:(\d)", b["name"])[1])]
            threads = int(re.search(r"threads:(\d)", b["name"])[1])
            if kind == "image_step":
                if model == "mobilenet_v2" and "frozen:0" in b["name"]:
                    model += "_full"
                model += "@" + re.search(r"size:(\d+)", b["name"])[1]
            rates.setdefault((kind, model, threads), []).append(b["items_per_second"])
med = {k: statistics.median(v) for k, v in rates.items()}
if models:
    print("| model | threads | genre trainer epoch | genre bare step | PyTorch as installed | PyTorch, OpenBLAS 1 thread "
          "| epoch / PyTorch (installed, tuned) |")
    print("|---|---|---|---|---|---|---|")
    for model in models:
        for t in (1, 2):
            e, s = med[("trainer_epoch", model, t)], med[("step_loop", model, t)]
            p, p1 = med[("pytorch", model, t)], med[("pytorch1", model, t)]
            print(f"| {model} | {t} | {e:,.0f} | {s:,.0f} | {p:,.0f} | {p1:,.0f} | **{e / p:.2f}x**, {e / p1:.2f}x |")
if image_models:
    print("\n| model | image | threads | genre bare step | PyTorch as installed | PyTorch, OpenBLAS 1 thread "
          "| genre / PyTorch (installed, tuned) |")
    print("|---|---|---|---|---|---|---|")
    for size in sizes:
        for model in image_models:
            key = f"{model}@{size}"
            for t in (1, 2):
                s, p, p1 = med[("image_step", key, t)], med[("pytorch", key, t)], med[("pytorch1", key, t)]
                print(f"| {model} | 3x{size}x{size} | {t} | {s:.1f} | {p:.1f} | {p1:.1f} "
                      f"| **{s / p:.2f}x**, {s / p1:.2f}x |")
print(f"\n(samples/s, medians of {rounds} alternating rounds)")
PY
rm -rf "$out"
