# The feature table end to end: audio -> shards (--table) -> Kaggle CSVs ->
# table-only datasets (--from-csv) -> CSVs again: the same numbers, read back
# through data::Dataset both times. Also --compat kaggle's 66149-sample
# segments and the one-line errors of malformed CSVs.
source "$(dirname "$0")/common.sh"
"$GENRE" synth --output "$SCRATCH/corpus" --classes 3 --tracks 2 --seconds 9.5 --seed 3
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/audio" --table --export-csv "$SCRATCH/csv" --quiet
[[ $(wc -l < "$SCRATCH/csv/features_3_sec.csv") == 19 ]] || fail "expected a header and 18 segment rows"
[[ $(wc -l < "$SCRATCH/csv/features_30_sec.csv") == 7 ]] || fail "expected a header and 6 track rows"
head -1 "$SCRATCH/csv/features_3_sec.csv" | grep -q '^filename,length,chroma_stft_mean,chroma_stft_var,rms_mean,.*,mfcc20_mean,mfcc20_var,label$' \
  || fail "header is not Kaggle's"
grep -q '^blues.00000.2.wav,66150,' "$SCRATCH/csv/features_3_sec.csv" || fail "segment rows are not <id>.<k>.wav with length 66150"
[[ $(json "$SCRATCH/audio/dataset.json" "len(d['params']['table_columns'])") == 58 ]] || fail "58 table columns expected"

# Exporting again from the finished dataset gives the same bytes.
"$GENRE" preprocess --output "$SCRATCH/audio" --export-csv "$SCRATCH/again"
cmp "$SCRATCH/csv/features_3_sec.csv" "$SCRATCH/again/features_3_sec.csv"

# CSV -> dataset -> CSV, for both files.
"$GENRE" preprocess --from-csv "$SCRATCH/csv/features_3_sec.csv" --output "$SCRATCH/from3" --split track:0.5,0,0.5
"$GENRE" preprocess --output "$SCRATCH/from3" --export-csv "$SCRATCH/back3"
cmp "$SCRATCH/csv/features_3_sec.csv" "$SCRATCH/back3/features_3_sec.csv"
[[ $(json "$SCRATCH/from3/dataset.json" "d['params']['feature']") == table ]] || fail "feature should be 'table'"
[[ $(json "$SCRATCH/from3/dataset.json" "d['total_segments']") == 18 ]] || fail "18 segment rows expected"
# Splits by track: no track id on both sides.
[[ $(json "$SCRATCH/from3/dataset.json" "len(set(d['split']['train']) & set(d['split']['test']))") == 0 ]] || fail "split leaks"
"$GENRE" preprocess --from-csv "$SCRATCH/csv/features_30_sec.csv" --output "$SCRATCH/from30"
"$GENRE" preprocess --output "$SCRATCH/from30" --export-csv "$SCRATCH/back30"
cmp "$SCRATCH/csv/features_30_sec.csv" "$SCRATCH/back30/features_30_sec.csv"

# Both files in one dataset: segments from the 3-s rows, the whole-track rows
# beside them; both CSVs come back byte for byte.
"$GENRE" preprocess --from-csv "$SCRATCH/csv/features_3_sec.csv" "$SCRATCH/csv/features_30_sec.csv" \
  --output "$SCRATCH/both" --classes blues,classical,country
[[ $(json "$SCRATCH/both/dataset.json" "(d['total_tracks'], d['total_segments'])") == "(6, 18)" ]] \
  || fail "both CSVs: 6 tracks of 3 segments expected"
"$GENRE" preprocess --output "$SCRATCH/both" --export-csv "$SCRATCH/backboth"
cmp "$SCRATCH/csv/features_3_sec.csv" "$SCRATCH/backboth/features_3_sec.csv"
cmp "$SCRATCH/csv/features_30_sec.csv" "$SCRATCH/backboth/features_30_sec.csv"
"$GENRE" inspect "$SCRATCH/both" | grep -q "feature table only (58 columns, from .*features_3_sec.csv .*features_30_sec.csv)" \
  || fail "inspect does not describe a table-only dataset: $("$GENRE" inspect "$SCRATCH/both" | head -3)"
# A 30-s import holds no 3-s rows: its export writes none and drops an older one.
cp "$SCRATCH/csv/features_3_sec.csv" "$SCRATCH/back30/"
"$GENRE" preprocess --output "$SCRATCH/from30" --export-csv "$SCRATCH/back30" | grep -q "^export: 0 segment rows, 6 whole-track rows" \
  || fail "a 30-s import should export whole-track rows only"
[[ ! -e "$SCRATCH/back30/features_3_sec.csv" ]] || fail "a stale features_3_sec.csv was left beside the 30-s export"

# Track ids without a dot (any --list collection): 0001.2.wav is segment 2 of
# 0001, and the split keeps the track's segments together.
mkdir -p "$SCRATCH/plain"
i=0
for f in "$SCRATCH"/corpus/*/*.wav; do
  i=$((i + 1)); printf -v id '%04d' "$i"
  cp "$f" "$SCRATCH/plain/$id.wav"; echo "$id.wav,$(basename "$(dirname "$f")")"
done | { echo path,label; cat; } > "$SCRATCH/plain/list.csv"
"$GENRE" preprocess --list "$SCRATCH/plain/list.csv" --output "$SCRATCH/plainds" --table --export-csv "$SCRATCH/plaincsv" --quiet
grep -q '^0001.2.wav,66150,' "$SCRATCH/plaincsv/features_3_sec.csv" || fail "segment rows of id 0001 should be 0001.<k>.wav"
"$GENRE" preprocess --from-csv "$SCRATCH/plaincsv/features_3_sec.csv" --output "$SCRATCH/plainfrom" --split track:0.5,0,0.5
[[ $(json "$SCRATCH/plainfrom/dataset.json" "(d['total_tracks'], d['total_segments'])") == "(6, 18)" ]] \
  || fail "rows <id>.<k>.wav of dotless ids should make 6 tracks of 3 segments"
[[ $(json "$SCRATCH/plainfrom/dataset.json" "len(set(d['split']['train']) & set(d['split']['test']))") == 0 ]] || fail "split leaks"
# ... and the 30-s file of dotless ids is whole tracks.
"$GENRE" preprocess --from-csv "$SCRATCH/plaincsv/features_30_sec.csv" --output "$SCRATCH/plain30"
[[ $(json "$SCRATCH/plain30/dataset.json" "(d['total_tracks'], d['total_segments'], d['params']['segment_samples'])") == "(6, 6, 0)" ]] \
  || fail "a 30-s CSV of dotless ids should make 6 whole-track rows"

# Training on a table-only dataset: the MLP on 3-s rows trains; on whole-track
# rows that a 3-s import does not have, it stops with the reason.
cat > "$SCRATCH/mlp.yaml" <<'YAML'
model: {name: mlp, hidden: [16]}
data: {input: table, batch_size: 4}
train: {epochs: 2, seed: 1}
YAML
"$GENRE" train --data "$SCRATCH/both" --config "$SCRATCH/mlp.yaml" --out "$SCRATCH/mlprun" --quiet
[[ -s "$SCRATCH/mlprun/model.json" ]] || fail "training on an imported table made no model"
# The trained MLPs classify new audio: table rows of each segment (a timeline),
# or one row of the whole track.
"$GENRE" classify --model "$SCRATCH/mlprun" --output "$SCRATCH/pred-table.csv" --quiet "$SCRATCH/corpus"
"$GENRE" train --data "$SCRATCH/audio" --config "$SCRATCH/mlp.yaml" --set data.input=track_table \
  --out "$SCRATCH/mlptrack" --quiet
"$GENRE" classify --model "$SCRATCH/mlptrack" --format json --output "$SCRATCH/pred-track.json" --quiet "$SCRATCH/corpus"
/usr/bin/python3 - "$SCRATCH/pred-table.csv" "$SCRATCH/pred-track.json" <<'PY' || fail "classify with table models"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 6 and all(r["error"] == "" for r in rows), rows
assert all(r["genre"] in ("blues", "classical", "country") for r in rows), rows
assert all(r["segments"] == "3" and len(r["timeline"].split()) == 3 for r in rows), rows  # 9.5 s: 3 segments
tracks = json.load(open(sys.argv[2]))
assert len(tracks) == 6 and all("error" not in t and t["segments"] == [] for t in tracks), tracks
assert all(abs(sum(x["probability"] for x in t["top"]) - 1) < 0.5 for t in tracks), tracks
PY

rc=0; out=$("$GENRE" train --data "$SCRATCH/from3" --config "$SCRATCH/mlp.yaml" --set data.input=track_table \
  --out "$SCRATCH/mlprun3" 2>&1) || rc=$?
[[ $rc == 2 ]] && grep -q "has no whole-track table row" <<< "$out" || fail "track_table on a 3-s import: rc $rc: $out"

# Kaggle compatibility: segments of 66149 samples every 66150, reflection padding.
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/kaggle" --table --compat kaggle \
  --export-csv "$SCRATCH/kcsv" --quiet
grep -q '^blues.00000.1.wav,66149,' "$SCRATCH/kcsv/features_3_sec.csv" || fail "--compat kaggle: length should be 66149"
[[ $(json "$SCRATCH/kaggle/dataset.json" "d['params']['pad_mode']") == reflect ]] || fail "--compat kaggle pads by reflection"

# Malformed CSVs: exit 2 and a message naming line and column.
expect_error() {  # $1 = pattern in the message, $2... more options; stdin = the CSV
  cat > "$SCRATCH/bad.csv"
  local out rc=0
  out=$("$GENRE" preprocess --from-csv "$SCRATCH/bad.csv" --output "$SCRATCH/bad" "${@:2}" 2>&1) || rc=$?
  [[ $rc == 2 ]] || fail "expected exit 2 for '$1', got $rc: $out"
  grep -q -- "$1" <<< "$out" || fail "expected '$1' in: $out"
}
hdr=$(head -1 "$SCRATCH/csv/features_3_sec.csv")
row=$(sed -n 2p "$SCRATCH/csv/features_3_sec.csv")
printf '%s\n' "${hdr/,tempo,/,}" "$row" | expect_error "bad.csv:1: missing column 'tempo'"
printf '%s\n' "$hdr" "${row/,66150,/,abc,}" | expect_error "bad.csv:2: column 'length': 'abc' is not a finite number"
printf '%s\n' "$hdr" "$row" "$row" | expect_error "bad.csv:3: duplicate row 'blues.00000.0.wav' (first at line 2)"
printf '%s\n' "$hdr" "$row" "${row/%blues/jazz}" | expect_error "bad.csv:3: duplicate row"
printf '%s\n' "$hdr" "$row" "$(sed -n 3p "$SCRATCH/csv/features_3_sec.csv" | sed 's/,blues$/,jazz/')" \
  | expect_error "bad.csv:3: column 'label': 'jazz' for track 'blues.00000'"
printf '%s\n' "$hdr" "$(sed -n 3p "$SCRATCH/csv/features_3_sec.csv")" | expect_error "has segment 1 but not segment 0"
printf '%s\n' "$hdr" "${row},extra" | expect_error "bad.csv:2: 61 cells, the header has 60"
printf '%s\n' "$hdr" "${row/,blues/,}" | expect_error "bad.csv:2: column 'label' is empty"
printf '%s\n' "$hdr" "${row/,66150,/,inf,}" | expect_error "bad.csv:2: column 'length': 'inf' is not a finite number"
printf '%s\n' "$hdr" "${row/%blues/bluse}" | expect_error "bad.csv:2: column 'label': 'bluse' is not one of --classes" \
  --classes blues,jazz
[[ ! -e "$SCRATCH/bad/dataset.json" ]] || fail "a rejected CSV must write no dataset"
echo "table_csv: ok"
