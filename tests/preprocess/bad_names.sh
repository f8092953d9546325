# Bad names and bad folder entries (#13.12, #13.13, #13.14) beside good files:
# each is reported once, with its reason, in dataset.json and on stderr; the
# good files are processed; nothing aborts. $1 = genre, $2 = scratch.
source "$(dirname "$0")/common.sh"
"$GENRE" synth --output "$SCRATCH/corpus" --classes 2 --tracks 2 --seconds 4 >/dev/null
c="$SCRATCH/corpus"
good=$(ls "$c"/blues/*.wav | head -1)
cp "$good" "$c/blues/Mot"$'\xf6'"rhead.wav"                # a Latin-1 file name
mkdir "$c/m"$'\xe9'"tal" && cp "$good" "$c/m"$'\xe9'"tal/x.wav"  # a Latin-1 class folder
ln -s .. "$c/blues/loop"                                   # a symbolic link loop
ln -s "$c/nowhere.wav" "$c/blues/dangling.wav"             # a dangling link
printf 'not decodable here' > "$c/blues/song.m4a"          # a format the decoder lacks
printf 'not audio' > "$c/blues/two"$'\n'"lines.wav"          # a newline in a name (and bad audio)
cp "$good" "${good%.wav}.wave"                             # one track id, two files

rc=0
mpirun_n 2 "$GENRE" preprocess --input "$c" --output "$SCRATCH/out" --quiet 2>"$SCRATCH/err" || rc=$?
[[ $rc == 0 ]] || fail "preprocess exit $rc: $(cat "$SCRATCH/err")"
m="$SCRATCH/out/dataset.json"
[[ $(json "$m" "d['total_tracks']") == 4 ]] || fail "the 4 good tracks must be processed: $(cat "$SCRATCH/err")"
[[ $(json "$m" "d['params']['classes']") == "['blues', 'classical']" ]] || fail "classes: $(json "$m" "d['params']['classes']")"
failed=$(json "$m" "'\n'.join(f['path'] + ': ' + f['reason'] for f in d['failed'])")
echo "$failed"
[[ $(json "$m" "len(d['failed'])") == 7 ]] || fail "want 7 failed entries"
json "$m" "[f['path'] for f in d['failed'] if f['path'] == 'blues/two\\nlines.wav']" | grep -q two || fail "the newline name"
id=$(basename "${good%.wav}")
for want in 'blues/Mot\xF6rhead.wav: the file.s name is not valid UTF-8' \
            'm\xE9tal/x.wav: the class folder.s name is not valid UTF-8' \
            'blues/loop: symbolic link loop' 'blues/dangling.wav: dangling symbolic link' \
            'blues/song.m4a: unsupported audio format (.m4a)' \
            "blues/$id.wave: the same track id as blues/$id.wav"; do
  grep -q -- "^$(sed 's/\\/\\\\/g' <<< "$want")" <<< "$failed" || fail "no failed entry '$want'"
done
# Each one line on stderr, once (a link loop used to print its path 40 times).
[[ $(grep -c "skipping" "$SCRATCH/err") == 7 ]] || fail "want 7 'skipping' lines: $(cat "$SCRATCH/err")"
grep -q 'skipping blues/two\\x0Alines.wav: ' "$SCRATCH/err" || fail "a newline in a name is shown escaped: $(cat "$SCRATCH/err")"
[[ $(grep -o "blues/loop" "$SCRATCH/err" | wc -l) == 1 ]] || fail "the loop must be named once: $(cat "$SCRATCH/err")"
"$GENRE" inspect "$SCRATCH/out" >/dev/null || fail "inspect must read the dataset"

# --list: a BOM before the header, a Latin-1 label: the row fails, the others go on.
{ printf '\xef\xbb\xbfpath,label\n'; for f in "$c"/classical/*.wav; do echo "$f,classical"; done
  printf '%s,chanson fran\xe7aise\n' "$good"; } > "$SCRATCH/list.csv"
"$GENRE" preprocess --list "$SCRATCH/list.csv" --output "$SCRATCH/listed" --quiet 2>"$SCRATCH/err2" \
  || fail "preprocess --list: $(cat "$SCRATCH/err2")"
[[ $(json "$SCRATCH/listed/dataset.json" "d['total_tracks']") == 2 ]] || fail "--list: the 2 good rows"
grep -q "label 'chanson fran\\\\xE7aise' is not valid UTF-8" "$SCRATCH/err2" || fail "--list: $(cat "$SCRATCH/err2")"
echo "bad_names: ok"
