# kill -9 of one rank mid-run, then a rerun on the same output: the result has
# the same per-track features as an uninterrupted run, and the tracks of the
# shards that were complete before the kill are reused, not recomputed.
source "$(dirname "$0")/common.sh"
"$GENRE" synth --output "$SCRATCH/corpus" --classes 3 --tracks 12 --seconds 30 --seed 11
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/clean" --quiet

out="$SCRATCH/killed"
mpirun_n 2 "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$out" --shard-tracks 2 --quiet &
launcher=$!
# Wait for the first complete shard, then kill -9 the rank-1 process.
wait_for_shard "$out"
victim=$(rank_pids "$out" 1 | head -1)
[[ -n "$victim" ]] || fail "rank 1 not found"
kill -9 "$victim"
wait "$launcher" && fail "the killed run reported success" || true
[[ -e "$out/dataset.json" ]] && fail "a killed run must not leave a manifest"
before=$(ls "$out/shards" | grep -c '\.h5$' || true)
echo "killed rank 1 (pid $victim); $before complete shard(s) left"

mpirun_n 2 "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$out" --shard-tracks 2 --quiet
reused=$(json "$out/dataset.json" "d['reused_tracks']")
[[ $reused -ge 2 ]] || fail "expected the complete shards' tracks to be reused, got $reused"
ls "$out/shards" | grep -q '\.tmp$' && fail "temporary files left behind"
"$COMPARE" "$SCRATCH/clean" "$out" 1e-4

# A third run reuses everything and processes nothing.
mpirun_n 2 "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$out" --shard-tracks 2 --quiet
[[ $(json "$out/dataset.json" "d['reused_tracks']") == 36 ]] || fail "a complete rerun must reuse all 36 tracks"
"$COMPARE" "$SCRATCH/clean" "$out" 1e-4

# An edited file is processed again; the stale copy is skipped by readers.
cp "$SCRATCH/corpus/blues/blues.00002.wav" "$SCRATCH/corpus/blues/blues.00000.wav"
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$out" --quiet
[[ $(json "$out/dataset.json" "d['reused_tracks']") == 35 ]] || fail "exactly one changed track must be redone"
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/fresh" --quiet
"$COMPARE" "$SCRATCH/fresh" "$out" 1e-4
echo "kill_resume: ok"
