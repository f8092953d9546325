#!/usr/bin/env bash
# The main job on a built-in default: installs what is missing, builds, then
# synthesises a small labelled corpus, preprocesses it on 2 MPI ranks, runs a
# small sweep of the three seed models (a coordinator and 2 one-rank groups,
# ASHA pruning) and prints the leaderboard. Output goes to demo/ (or $1).
# Rerunning resumes: finished work is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-demo}
scripts/install-deps.sh
# Only the two executables the demo runs (scripts/test.sh builds everything).
scripts/build.sh genre genre-torch
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
genre=build/src/cli/genre
step() { printf '\n== %s\n' "$*"; }

step "synth: 10 classes x 40 tracks of 15 s -> $out/corpus"
# Tracks stray further from their class than the default 0.13 (there every MLP
# of the sweep scores 1.0 on validation, which says nothing); at 0.18 the MLPs
# reach 0.90-0.95, the ResNets 0.6-0.7, the CNNs 0.25-0.45 (corpus seeds 42,
# 43). Many short tracks rather than 12 long ones: the split below puts 8
# tracks per class in validation, so a score moves in steps of 1/80, not 1/10,
# and the CNN and ResNet see 24 training tracks per class, not 9.
[[ -d $out/corpus ]] || $genre synth --output "$out/corpus" --classes 10 --tracks 40 --seconds 15 --overlap 0.18 --with-bad-files

step "preprocess on 2 ranks: MFCC-13 of 3 s segments and the GTZAN feature table, tracks split 60/20/20 -> $out/dataset"
mpiexec --oversubscribe -n 2 $genre preprocess --input "$out/corpus" --output "$out/dataset" --table --split track:0.6,0.2,0.2

step "the dataset"
$genre inspect "$out/dataset"

step "search: jobs/demo-sweep.yaml, a coordinator and 2 groups of 1 rank -> $out/runs/demo"
mpiexec --oversubscribe -n 3 $genre search --spec jobs/demo-sweep.yaml --data "$out/dataset" --out "$out/runs/demo" --resume

step "leaderboard"
$genre leaderboard "$out/runs/demo"
echo "report: $(realpath "$out/runs/demo/report.html")"
