# `genre synth --features` and streaming training end to end: the feature
# dataset is written without audio and every reader takes it (inspect, h5py);
# a budget below the data's size streams it (the log says so) and the model
# still learns; two ranks stream too; a budget too small for the reader's
# queue is a usage error naming the key. $1 = genre binary, $2 = scratch folder.
set -euo pipefail
GENRE=$1
SCRATCH=$2
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH" && cd "$SCRATCH"
fail() { echo "FAIL: $*" >&2; exit 1; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

# 4 classes x 16 tracks x 10 log-mel segments: 640 x 130 x 128 floats, about 43 MB.
"$GENRE" synth --features logmel --output ds --classes 4 --tracks 16 --segments 10 --shard-tracks 8 \
  --split track:0.6,0.2,0.2 --threads 2 >synth.out
grep -q "640 logmel segments in 8 shards" synth.out || fail "synth summary: $(cat synth.out)"
[[ $(json ds/dataset.json "d['total_segments']") == 640 ]] || fail "dataset.json total_segments"
"$GENRE" inspect ds >inspect.out || fail "inspect refuses the dataset"
/usr/bin/python3 - <<'PY' || fail "h5py cannot read a shard"
import h5py
with h5py.File("ds/shards/shard-00000-0000.h5") as f:
    assert f["/segments/features"].shape == (80, 130, 128), f["/segments/features"].shape
    assert f.attrs["feature"] in ("logmel", b"logmel")
PY
# The same seed writes the same numbers.
"$GENRE" synth --features logmel --output ds2 --classes 4 --tracks 16 --segments 10 --shard-tracks 8 \
  --split track:0.6,0.2,0.2 --threads 1 >/dev/null
/usr/bin/python3 - <<'PY' || fail "two runs of one seed differ"
import h5py, numpy
for s in ("0000", "0007"):
    a, b = (h5py.File(f"{d}/shards/shard-00000-{s}.h5")["/segments/features"][()] for d in ("ds", "ds2"))
    assert numpy.array_equal(a, b)
PY

mlp=(--set model.name=mlp --set model.hidden=[32] --set train.epochs=3 --set train.patience=0 --set train.threads=1)
"$GENRE" train --data ds "${mlp[@]}" --set data.memory_budget_mb=16 --out stream 2>stream.log
grep -q "streamed from the shards" stream.log || fail "a 16 MiB budget must stream 43 MB: $(head -3 stream.log)"
acc=$(json stream/final.json "d['test']['accuracy']")
/usr/bin/python3 -c "import sys; sys.exit(0 if $acc >= 0.6 else 1)" || fail "streamed test accuracy $acc is near chance"
"$GENRE" train --data ds "${mlp[@]}" --out memory 2>memory.log
grep -q "held in memory" memory.log || fail "the default budget holds 43 MB in memory"

# Two ranks stream their shares.
"$MPIEXEC" --oversubscribe -n 2 "$GENRE" train --data ds "${mlp[@]}" --set data.memory_budget_mb=16 --out two \
  2>two.log || fail "two streaming ranks: $(tail -3 two.log)"
acc2=$(json two/final.json "d['test']['accuracy']")
/usr/bin/python3 -c "import sys; sys.exit(0 if $acc2 >= 0.6 else 1)" || fail "2-rank streamed test accuracy $acc2"

# A budget under the reader's queue (6 chunks of 15 log-mel rows, about 6 MiB) is refused... the
# smallest allowed budget, 16 MiB, holds it, so only the key's bound is checked here.
set +e
"$GENRE" train --data ds "${mlp[@]}" --set data.memory_budget_mb=8 --out small 2>small.err; rc=$?
set -e
[[ $rc == 2 ]] || fail "data.memory_budget_mb=8 must exit 2, got $rc"
grep -q "data.memory_budget_mb" small.err || fail "the error must name the key: $(cat small.err)"
echo "stream_cli: ok (streamed accuracy $acc, 2 ranks $acc2)"
