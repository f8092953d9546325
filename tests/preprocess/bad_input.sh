# Bad files are recorded with a reason and skipped; bad arguments give one
# line, a non-zero exit and write nothing.
source "$(dirname "$0")/common.sh"
"$GENRE" synth --output "$SCRATCH/corpus" --classes 2 --tracks 3 --seconds 6 --with-bad-files
mpirun_n 2 "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/out" --quiet
m="$SCRATCH/out/dataset.json"
[[ $(json "$m" "d['total_tracks']") == 6 ]] || fail "the 6 good tracks must be processed"
bad=$(ls "$SCRATCH"/corpus/*/bad.* | wc -l)
[[ $(json "$m" "len(d['failed'])") == "$bad" ]] || fail "every bad file must be in failed"
json "$m" "'\n'.join(f['path']+': '+f['reason'] for f in d['failed'])"
json "$m" "all(f['reason'] and '\n' not in f['reason'] for f in d['failed'])" | grep -q True || fail "reasons must be one line"
# genre inspect: the classes by split part, and every failed file with its reason.
"$GENRE" inspect "$SCRATCH/out" > "$SCRATCH/inspect.txt"
grep -q "feature mfcc \[130 frames x 13\]; 22050 Hz, n_fft 2048, hop 512, 66150-sample segments every 3 s" "$SCRATCH/inspect.txt" \
  || fail "inspect: parameters: $(head -3 "$SCRATCH/inspect.txt")"
grep -q "6 tracks, 12 segments" "$SCRATCH/inspect.txt" || fail "inspect: totals: $(cat "$SCRATCH/inspect.txt")"
for c in blues classical; do
  # 3 tracks a class, split 0.8/0.1/0.1 by track: the row adds up to 3.
  awk -v c="$c" '$1 == c { exit !($2 + $3 + $4 == 3) }' "$SCRATCH/inspect.txt" || fail "inspect: class $c: $(cat "$SCRATCH/inspect.txt")"
done
[[ $(grep -c "^    .*bad\..*: " "$SCRATCH/inspect.txt") == "$bad" ]] || fail "inspect lists every failed file: $(cat "$SCRATCH/inspect.txt")"

expect_usage_error() {  # expected-fragment, args...
  local want=$1; shift
  local err rc=0
  err=$("$GENRE" preprocess "$@" 2>&1 >/dev/null) || rc=$?
  [[ $rc == 2 ]] || fail "exit $rc (want 2) for: $*"
  [[ $(printf '%s\n' "$err" | wc -l) == 1 ]] || fail "want one line, got: $err"
  [[ "$err" == *"$want"* ]] || fail "want '$want' in: $err"
  echo "ok: $err"
}
expect_usage_error "--input" --input "$SCRATCH/missing" --output "$SCRATCH/never1"
expect_usage_error "unknown feature" --input "$SCRATCH/corpus" --output "$SCRATCH/never2" --feature chroma
expect_usage_error "--segment-seconds" --input "$SCRATCH/corpus" --output "$SCRATCH/never3" --segment-seconds 0
expect_usage_error "--n-mfcc" --input "$SCRATCH/corpus" --output "$SCRATCH/never4" --n-mfcc -1
expect_usage_error "not writable" --input "$SCRATCH/corpus" --output "$m/sub"
expect_usage_error "unrecognised option" --input "$SCRATCH/corpus" --output "$SCRATCH/never5" --bogus
for d in never1 never2 never3 never4 never5; do [[ ! -e "$SCRATCH/$d" ]] || fail "$d was created"; done
# Other parameters on an existing output: refused without --force.
expect_usage_error "other parameters" --input "$SCRATCH/corpus" --output "$SCRATCH/out" --n-mfcc 20
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/out" --n-mfcc 20 --force --quiet
[[ $(json "$m" "d['params']['n_mfcc']") == 20 ]] || fail "--force must redo with the new parameters"
echo "bad_input: ok"
