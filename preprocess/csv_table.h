#pragma once
// Reading feature CSVs in the layout of Kaggle's GTZAN release
// (filename,length,chroma_stft_mean,...,mfcc20_var,label) and telling their
// two kinds apart:
//   features_3_sec.csv   one row per segment, <track id>.<k>.wav, k = 0..n-1
//   features_30_sec.csv  one row per whole track, <track id>.wav
// Every malformed input is a UsageError naming the file, line and column.
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace genre::preprocess {

struct CsvRow {
  std::size_t line = 0;
  std::string filename, label;
  std::vector<float> values;  // dsp::FeatureTable::columns() order; values[0] is `length`
};

// One CSV, rows in file order. Checks the header (every table column,
// filename and label, each once, nothing else), the cell count, that every
// value is a finite number, that filenames and labels are non-empty, that no
// filename repeats and, when `classes` is not empty, that every label is one
// of them.
struct CsvFileRows {
  std::filesystem::path file;
  std::vector<CsvRow> rows;
};
CsvFileRows read_feature_csv(const std::filesystem::path& file, const std::vector<std::string>& classes);

enum class CsvRowKind { Segment, Track };

// Which kind a file holds. Segment rows: every stem is <id>.<k> with k a
// plain integer (no leading zeros, so GTZAN's "blues.00000" is a track id)
// and every row analysed one segment: `segment_samples`, or one sample less
// (Kaggle's 3-s rows: 66149 of 66150). Anything else is whole-track rows.
// Names of segments with another length throw, naming the --segment-seconds
// to give. The rule is exact for Kaggle's two files and for the files
// `--export-csv` writes, whatever the track ids.
CsvRowKind detect_kind(const CsvFileRows& csv, std::size_t segment_samples);

// The rows of one track.
struct CsvTrack {
  std::string label;
  std::filesystem::path file;  // where the label was first given
  std::size_t line = 0;
  std::vector<std::vector<float>> segments;  // segment k at [k]
  std::vector<float> whole;                  // the whole-track row, or empty
};

// Track id -> rows, from one file of segment rows and/or one of track rows
// (in either order). Segments must be 0..n-1 without gaps; a track's label
// must agree between its rows and between the files.
using CsvTracks = std::map<std::string, CsvTrack>;
void add_rows(const CsvFileRows& csv, CsvRowKind kind, CsvTracks& tracks);

}  // namespace genre::preprocess
