#!/usr/bin/env bash
# Configures and builds genre (Release, Ninja) into build/: everything (the
# demo, the tests, the benchmarks) by default, or only the targets named, as
# the demo does (scripts/build.sh genre genre-torch).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${GENRE_BUILD_JOBS:-$(nproc)}
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs" "${targets[@]}"
