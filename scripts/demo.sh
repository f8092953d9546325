#!/usr/bin/env bash
# The main job on a built-in default: installs what is missing, builds, then
# synthesises a small labelled corpus, preprocesses it on 2 MPI ranks and
# summarises the dataset. Output goes to demo/ (or $1).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-demo}
scripts/install-deps.sh
scripts/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
genre=build/src/cli/genre
step() { printf '\n== %s\n' "$*"; }

step "synth: 10 classes x 12 tracks of 30 s -> $out/corpus"
[[ -d $out/corpus ]] || $genre synth --output "$out/corpus" --classes 10 --tracks 12 --seconds 30 --with-bad-files

step "preprocess on 2 ranks: MFCC-13 of 3 s segments -> $out/dataset"
mpiexec --oversubscribe -n 2 $genre preprocess --input "$out/corpus" --output "$out/dataset"

step "summary of the dataset"
$genre inspect "$out/dataset"
