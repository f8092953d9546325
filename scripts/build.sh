#!/usr/bin/env bash
# Configures and builds genre (Release, Ninja) into build/. One build serves
# the demo, the tests and the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${GENRE_BUILD_JOBS:-$(nproc)}
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
