# A full disk under single-rank `genre preprocess --table` (issue 13.5), on a
# small tmpfs: exit 74 with one line naming the shard and the reason, no
# crash (HDF5 used to segfault at exit, in H5F__close_cb, on the shard whose
# close had failed, after an error line holding a literal "\n"), and the
# shards committed before it are kept: once there is room the rerun reuses
# them and ends with the dataset of an uninterrupted run.
source "$(dirname "$0")/common.sh"
if [[ $(id -u) != 0 ]]; then
  echo "disk_full: skipped: mounting a tmpfs needs root (the CI runs the tests as root)"
  exit 77
fi
"$GENRE" synth --output "$SCRATCH/corpus" --classes 3 --tracks 4 --seconds 30 --seed 7 >/dev/null
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/clean" --table --shard-tracks 2 --quiet
shards=$(du -sb "$SCRATCH/clean/shards" | cut -f1)

small="$SCRATCH/small"
mkdir -p "$small"
mount -t tmpfs -o size=$((shards / 2)) tmpfs "$small"
trap 'umount -l "$small" 2>/dev/null || true' EXIT
out="$small/ds"
rc=0
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$out" --table --shard-tracks 2 --quiet 2>"$SCRATCH/err.txt" || rc=$?
err=$(cat "$SCRATCH/err.txt")
[[ $rc == 74 ]] || fail "a full disk must exit 74, got $rc: $err"
[[ $(wc -l <"$SCRATCH/err.txt") == 1 ]] || fail "expected one error line, got: $err"
[[ $err =~ ^"genre preprocess: error: $out/shards/shard-00000-"[0-9]{4}".h5.tmp: cannot write: No space left on device"$ ]] ||
  fail "the error must name the shard and the reason: $err"
kept=$(ls "$out/shards" | grep -c '\.h5$' || true)
((kept >= 1)) || fail "the shards committed before the disk filled must be kept"
ls "$out/shards" | grep -q '\.tmp$' && fail "a temporary was left behind"
[[ -e "$out/dataset.json" ]] && fail "a failed run must not publish a manifest"

mount -o remount,size=$((shards * 4)) "$small"
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$out" --table --shard-tracks 2 --quiet
reused=$(json "$out/dataset.json" "d['reused_tracks']")
((reused == 2 * kept)) || fail "the $kept kept shard(s) hold $((2 * kept)) tracks to reuse, $reused were"
"$COMPARE" "$SCRATCH/clean" "$out" 1e-4
echo "disk_full: ok ($kept shard(s) kept, $reused tracks reused)"
