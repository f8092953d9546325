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
# Where each rank's time went: one entry per rank, their files add up to the
# collection, and work, writing and the finish are consistent.
/usr/bin/python3 - "$SCRATCH/three/dataset.json" <<'PY' || fail "rank_timing in dataset.json is inconsistent"
import json, sys
m = json.load(open(sys.argv[1]))
t = m["rank_timing"]
assert [r["rank"] for r in t] == [0, 1, 2], t
assert sum(r["files"] for r in t) == 15, t
for r in t:
    assert 0 <= r["work_s"] and 0 <= r["write_s"] and r["work_s"] + r["write_s"] <= r["done_s"] + 1e-3, r
    # A rank gets the plan after rank 0 started, and ends before rank 0's
    # final gather: its span lies within rank 0's wall time.
    assert r["done_s"] <= m["wall_s"] + 1e-3, (r, m["wall_s"])
assert 0 < m["plan_s"] < m["wall_s"], m
PY
# (That every rank gets work is test_work_queue_mpi's job: here rank 0 may
# legitimately finish 15 short tracks before rank 1 has started up.)
echo "mpi_equivalence: ok"
