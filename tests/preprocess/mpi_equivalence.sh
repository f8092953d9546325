# 1 rank and 2 ranks (and 3, oversubscribed) give the same features per track,
# the same split and the same manifest totals.
source "$(dirname "$0")/common.sh"
"$GENRE" synth --output "$SCRATCH/corpus" --classes 3 --tracks 5 --seconds 12 --seed 7
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/one" --quiet
mpirun_n 2 "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/two" --shard-tracks 3 --quiet
mpirun_n 3 "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/three" --shard-tracks 2 --quiet
"$COMPARE" "$SCRATCH/one" "$SCRATCH/two" 1e-4
"$COMPARE" "$SCRATCH/one" "$SCRATCH/three" 1e-4
[[ $(json "$SCRATCH/two/dataset.json" "d['ranks']") == 2 ]] || fail "manifest does not record 2 ranks"
[[ $(json "$SCRATCH/two/dataset.json" "d['total_tracks']") == 15 ]] || fail "expected 15 tracks"
[[ $(json "$SCRATCH/two/dataset.json" "d['total_segments']") == 60 ]] || fail "expected 60 segments (4 per 12 s track)"
# (That every rank gets work is test_work_queue_mpi's job: here rank 0 may
# legitimately finish 15 short tracks before rank 1 has started up.)
echo "mpi_equivalence: ok"
