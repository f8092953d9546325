#pragma once
// The feature table as CSV files in the layout of Kaggle's GTZAN release:
//   filename,length,chroma_stft_mean,...,mfcc20_var,label
// features_3_sec.csv has one row per segment, named <track id>.<segment>.wav
// (blues.00000.3.wav), features_30_sec.csv one row per whole track, named
// <track id>.wav (blues.00000.wav). Numbers are float32 written with %.9g
// (they read back to the same float32).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "data/manifest.h"
#include "preprocess/config.h"

namespace genre::preprocess {

inline constexpr const char* kSegmentCsv = "features_3_sec.csv";
inline constexpr const char* kTrackCsv = "features_30_sec.csv";

struct CsvExport {
  std::size_t segment_rows = 0, track_rows = 0;
};

// Writes dir/features_3_sec.csv and dir/features_30_sec.csv from the finished
// dataset at `dataset` (its folder or dataset.json), tracks sorted by id,
// segments by index. Tracks whose whole-track row is unknown (all NaN: a
// dataset imported from a 3-s CSV alone) are left out of the 30-s file, which
// is not written when no track has one. Throws UsageError for a dataset
// without a feature table.
CsvExport export_feature_csv(const std::filesystem::path& dataset, const std::filesystem::path& dir);

// --from-csv: turns a Kaggle-layout feature CSV into a table-only dataset in
// config.output (shards with /segments/table and /tracks/table, feature
// "table", frames = dims = 0, no frame features) plus dataset.json with a
// split by track (config.split_spec, config.seed, or config.split_files).
//  - 3-s rows (<id>.<k>.wav) are grouped into their track, segments 0..n-1,
//    so the split keeps a track's segments together; the track row is
//    unknown (NaN) unless the CSV holds it;
//  - 30-s rows (<id>.wav) give one segment per track, which is also the
//    track row.
// Classes are the labels found, sorted. Throws UsageError naming the file,
// line and column for: missing or unknown columns, a wrong cell count,
// non-numeric or non-finite cells, duplicate rows, a label that differs
// between rows of one track or is empty, filenames not in the layout, rows of
// both kinds, missing segment indices. An output folder that already holds a
// dataset needs config.force.
data::Manifest import_feature_csv(const PreprocessConfig& config);

}  // namespace genre::preprocess
