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

# Kaggle compatibility: segments of 66149 samples every 66150, reflection padding.
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/kaggle" --table --compat kaggle \
  --export-csv "$SCRATCH/kcsv" --quiet
grep -q '^blues.00000.1.wav,66149,' "$SCRATCH/kcsv/features_3_sec.csv" || fail "--compat kaggle: length should be 66149"
[[ $(json "$SCRATCH/kaggle/dataset.json" "d['params']['pad_mode']") == reflect ]] || fail "--compat kaggle pads by reflection"

# Malformed CSVs: exit 2 and a message naming line and column.
expect_error() {  # $1 = pattern in the message; stdin = the CSV
  cat > "$SCRATCH/bad.csv"
  local out rc=0
  out=$("$GENRE" preprocess --from-csv "$SCRATCH/bad.csv" --output "$SCRATCH/bad" 2>&1) || rc=$?
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
[[ ! -e "$SCRATCH/bad/dataset.json" ]] || fail "a rejected CSV must write no dataset"
echo "table_csv: ok"
