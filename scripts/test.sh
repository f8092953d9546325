#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit tests,
# MPI tests under mpiexec, the local SLURM cluster tests, the multi-host bed's).
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
