#pragma once
// What every shard of one dataset shares: written as root attributes of each
// shard and as "params" in dataset.json. Two runs may only share an output
// folder when these are equal.
#include <string>
#include <vector>

namespace genre::data {

inline constexpr int kSchemaVersion = 1;

struct DatasetParams {
  int schema_version = kSchemaVersion;
  std::string feature = "mfcc";  // "mfcc" | "logmel"
  int sample_rate = 22050;
  int n_fft = 2048;
  int hop_length = 512;
  int n_mels = 128;
  int n_mfcc = 13;
  double segment_s = 3.0;
  int segment_samples = 66150;  // at sample_rate; 66149 under --compat kaggle
  std::string pad_mode = "constant";  // "constant" | "reflect"
  std::vector<std::string> classes;    // label i is classes[i]
  std::string genre_version;           // of the tool that wrote it
  int frames = 130;                    // T of /segments/features
  int dims = 13;                       // F of /segments/features
  std::vector<std::string> table_columns;  // empty: no feature table

  // A table-only dataset (from feature CSVs) has no frame features:
  // frames == dims == 0 and a non-empty table.
  bool table_only() const { return frames == 0 && dims == 0 && !table_columns.empty(); }
  // frames and dims both positive, or a table-only dataset.
  bool valid_shape() const { return table_only() || (frames > 0 && dims > 0); }

  // Fields that decide the numbers (everything but genre_version).
  bool same_features_as(const DatasetParams& o) const;
  // Human-readable list of differing fields, e.g. "n_mfcc 13 vs 20".
  std::string differences(const DatasetParams& o) const;
};

}  // namespace genre::data
