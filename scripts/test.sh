#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit tests,
# MPI tests under mpiexec, the local SLURM cluster tests, the multi-host bed's),
# then the fuzz targets for a few seconds each.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
# Open MPI refuses root unless told; CI runs as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# As root the SLURM cluster tests, one-node and multi-host (ctest -L slurm,
# -L multinode), must run, not skip (tests/slurm/local_cluster.sh,
# tests/multinode/bed.sh).
if [[ $(id -u) == 0 ]]; then export GENRE_REQUIRE_SLURM=${GENRE_REQUIRE_SLURM:-1}; fi
ctest --preset release -j "${GENRE_TEST_JOBS:-2}" "$@"
# The readers' fuzz targets, a second small clang build (build-fuzz/, about
# 1-2 min of 2 cores from cold), each target for GENRE_FUZZ_SECONDS (default
# 10) from its seed corpus; 0 skips them. Longer runs: scripts/fuzz.sh
# (docs/fuzzing.md).
if [[ "${GENRE_FUZZ_SECONDS:-10}" != 0 ]]; then scripts/fuzz.sh "${GENRE_FUZZ_SECONDS:-10}"; fi
