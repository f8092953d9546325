# genre classify on bad inputs (#13.4, #13.12, #13.13, #13.16): a model.json
# whose class list does not match its checkpoint is one line, not a segfault;
# a folder with a link loop, a dangling link, an .m4a, a Latin-1 name and a
# newline in a name gives one line per entry, the good files classified.
# $1 = genre binary, $2 = scratch folder.
set -euo pipefail
GENRE=$1
SCRATCH=$2
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH" && cd "$SCRATCH"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$GENRE" synth --output corpus --classes 3 --tracks 3 --seconds 6 >/dev/null
"$GENRE" preprocess --input corpus --output ds --split track:0.67,0.33,0 --quiet
cat > mlp.yaml <<'YAML'
model: {name: mlp, hidden: [8]}
data: {input: features, batch_size: 4}
train: {epochs: 1, seed: 1, threads: 1}
YAML
"$GENRE" train --data ds --config mlp.yaml --out run --quiet

# The bad tree: good files beside every kind of bad entry.
mkdir -p tree/rock
cp corpus/blues/blues.00000.wav tree/rock/good.wav
cp corpus/blues/blues.00001.wav "tree/rock/Mot"$'\xf6'"rhead.wav"
cp corpus/classical/classical.00000.wav "tree/rock/two"$'\n'"lines.wav"
ln -s .. tree/rock/loop
ln -s "$SCRATCH/nowhere.wav" tree/rock/dangling.wav
printf 'aac' > tree/rock/song.m4a

for format in csv json; do
  rc=0
  "$MPIEXEC" --oversubscribe -n 2 "$GENRE" classify --model run --format $format --output out.$format --quiet tree \
    2>err || rc=$?
  [[ $rc == 0 ]] || fail "classify --format $format: exit $rc: $(cat err)"
done
/usr/bin/python3 - <<'PY' || fail "classify's lines for the bad tree"
import csv, json
for rows in (list(csv.DictReader(open("out.csv", newline=""))), json.load(open("out.json"))):
    by_file = {r["file"]: r for r in rows}
    print(sorted(by_file))
    assert len(rows) == 6, rows
    for name in ("tree/rock/good.wav", "tree/rock/Mot\\xF6rhead.wav", "tree/rock/two\nlines.wav"):
        assert by_file[name].get("error", "") == "" and by_file[name]["genre"] in ("blues", "classical", "country"), by_file[name]
    assert "symbolic link loop" in by_file["tree/rock/loop"]["error"]
    assert "dangling symbolic link" in by_file["tree/rock/dangling.wav"]["error"]
    assert "unsupported audio format (.m4a)" in by_file["tree/rock/song.m4a"]["error"]
PY

# model.json naming fewer classes than the checkpoint's outputs (main read
# past the class list: rc 139) or more (main printed a probability for a
# class the model has no output for): one line, exit 1.
for edit in "[:2]" "+ ['jazz']"; do
  rm -rf edited && cp -r run edited
  /usr/bin/python3 -c "
import json; m = json.load(open('edited/model.json')); m['classes'] = m['classes'] $edit
json.dump(m, open('edited/model.json', 'w'))"
  want=$(/usr/bin/python3 -c "import json; print(len(json.load(open('edited/model.json'))['classes']))")
  rc=0
  "$GENRE" classify --model edited tree/rock/good.wav >out 2>err || rc=$?
  [[ $rc == 1 ]] || fail "classes $edit: exit $rc: $(cat err)"
  [[ $(wc -l < err) == 1 ]] || fail "classes $edit: want one line: $(cat err)"
  grep -q "model.json names $want classes but edited/checkpoint.pt has 3 outputs" err || fail "the reason: $(cat err)"
done
# Results that cannot be written say why (#13.16).
if [[ -w /dev/full ]]; then
  rc=0
  "$GENRE" classify --model run tree/rock/good.wav >/dev/full 2>err || rc=$?
  [[ $rc == 74 ]] && grep -q "^genre classify: error: cannot write to stdout: No space left on device$" err \
    || fail "stdout on a full device: exit $rc: $(cat err)"
fi
echo "classify_inputs: ok"
