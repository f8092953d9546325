#!/usr/bin/env bash
# Installs what genre needs on Debian 12, and only what is missing (idempotent).
# Run as root or with sudo available. Also makes OpenBLAS the BLAS that
# LibTorch and everything else load: Debian's default reference BLAS is ~4x
# slower for dense layers.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libtorch-dev libopenblas0-pthread
  libopenmpi-dev openmpi-bin
  libhdf5-dev hdf5-tools
  libsndfile1-dev libfftw3-dev libsoxr-dev libxxhash-dev
  libboost-program-options-dev libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev hyperfine
  python3-h5py python3-numpy
  iproute2 util-linux  # ip, nsenter, unshare, flock: the multi-host test bed (tests/multinode)
  clang libclang-rt-14-dev  # libFuzzer and the sanitizers' runtimes: the fuzz targets (tests/fuzz, scripts/fuzz.sh)
  # Tests and benchmarks only: the torchvision weight converter's test
  # (tests/model) and the PyTorch reference of bench/bench_training.sh.
  python3-torch
)
# The SLURM integration tests start a one-node cluster on this machine.
if [[ "${GENRE_WITH_SLURM:-1}" == 1 ]]; then packages+=(slurm-wlm munge); fi
# Bench-only references, not needed to build or test: Optuna 3.1 beside
# genre's TPE (bench/bench_tpe.sh) and a headless browser to look at
# report.html (docs/adaptive-search.md). GENRE_WITH_BENCH_DEPS=1 adds them.
if [[ "${GENRE_WITH_BENCH_DEPS:-0}" == 1 ]]; then packages+=(python3-optuna chromium); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: all ${#packages[@]} packages present"
fi

# Debian's alternatives pick OpenBLAS once installed (higher priority); make
# sure nobody pinned the reference BLAS by hand.
blas=/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
if [[ -e $blas ]] && update-alternatives --query libblas.so.3-x86_64-linux-gnu >/dev/null 2>&1; then
  current=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu | awk '/^Value:/{print $2}')
  [[ "$current" == "$blas" ]] || as_root update-alternatives --set libblas.so.3-x86_64-linux-gnu "$blas"
fi
