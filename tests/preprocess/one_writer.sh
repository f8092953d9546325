# One writer per output folder (issue #13.2): a logmel run started while an
# mfcc run works on the same --output (or the same run twice) is refused with
# one line naming the holder (exit 75), writes nothing, and the first run's
# dataset is whole and all mfcc.
source "$(dirname "$0")/common.sh"
"$GENRE" synth --output "$SCRATCH/corpus" --classes 2 --tracks 6 --seconds 30 >/dev/null 2>&1
out=$SCRATCH/out
mpirun_n 2 "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$out" --quiet > first.log 2>&1 &
first=$!
# Rank 0, the holder, held still as soon as it holds the folder (rank 1
# waits for it), so the second run surely meets it running.
until grep -qs '^command=' "$out/.genre.lock"; do :; done
holder=$(sed -n 's/^pid=//p' "$out/.genre.lock")
ranks=$holder
kill -STOP $ranks
[[ -e "$out/.genre.lock" ]] || fail "the first run ended before it could be held still"
for args in "--feature logmel" ""; do
  set +e
  # shellcheck disable=SC2086
  mpirun_n 2 "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$out" $args --quiet > second.out 2> second.err
  rc=$?
  set -e
  [[ $rc == 75 ]] || { kill -CONT $ranks; fail "[$args] a second run must exit 75, got $rc: $(cat second.err)"; }
  # One line from genre (mpiexec adds its own notice of the exit code).
  [[ $(grep -c "genre preprocess: error:" second.err) == 1 ]] || { kill -CONT $ranks; fail "[$args] want one line, got: $(cat second.err)"; }
  grep -q "$out: in use by another run: pid $holder on host $(hostname) since .*: genre preprocess --input" second.err ||
    { kill -CONT $ranks; fail "[$args] the line must name the holder: $(cat second.err)"; }
  echo "ok [$args]: $(cat second.err)"
done
kill -CONT $ranks
wait $first || fail "the first run must end as if alone: $(cat first.log)"
[[ $(json "$out/dataset.json" "d['total_tracks']") == 12 ]] || fail "the first run's dataset is whole"
[[ $(json "$out/dataset.json" "d['params']['feature'] if 'params' in d else d['feature']") == mfcc ]] ||
  fail "the dataset is the first run's (mfcc)"
for s in "$out"/shards/*.h5; do
  /usr/bin/python3 -c "import h5py,sys; f=h5py.File(sys.argv[1]); sys.exit(0 if f.attrs['feature'] in (b'mfcc','mfcc') else 1)" "$s" ||
    fail "$s is not an mfcc shard"
done
[[ ! -e "$out/.genre.lock" ]] || fail "a clean end removes the lock file"
