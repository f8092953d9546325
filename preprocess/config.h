#pragma once
// The typed configuration of `genre preprocess`, filled from the command line
// once and validated in a separate pass before any work or any write.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/split.h"
#include "dsp/feature_params.h"

namespace genre::preprocess {

struct PreprocessConfig {
  std::filesystem::path input;       // a folder of <class>/<file> audio (GTZAN layout), or
  std::filesystem::path list;        // a CSV with columns path,label
  std::filesystem::path output;      // shards/ and dataset.json go here
  dsp::FeatureParams features;       // kind, n_mfcc, n_mels, STFT parameters, pad mode
  double segment_seconds = 3.0;      // 66150 samples at 22050 Hz
  std::string split = "track:0.8,0.1,0.1";
  std::filesystem::path split_files; // train.txt/val.txt/test.txt; overrides split
  std::uint64_t seed = 42;
  int shard_tracks = 100;            // tracks per shard: the unit of resume
  bool force = false;                // ignore and delete earlier shards
  bool quiet = false;
  // The GTZAN feature table (dsp/feature_table.h): one row per segment in
  // /segments/table and one per whole track in /tracks/table.
  bool table = false;
  // "" (current librosa: --pad-mode as given, segments of segment_samples())
  // or "kaggle": what made Kaggle's published GTZAN CSVs (librosa <= 0.8):
  // reflection padding, and segment i = samples [i*66150, i*66150 + 66149),
  // one sample short (analysed length segment_samples() - 1, same stride).
  std::string compat;
  std::filesystem::path export_csv;  // write features_3_sec.csv / features_30_sec.csv here
  // Kaggle-layout feature CSVs to turn into a table-only dataset: one of 3-s
  // rows and/or one of whole-track rows (preprocess/csv_table.h).
  std::vector<std::filesystem::path> from_csv;
  // With --from-csv: the labels a row may have (empty: any). A typo in a
  // label is then an error instead of a new class.
  std::vector<std::string> classes;

  data::SplitSpec split_spec;        // parsed from `split` by validate()

  // What the command line asks for: process audio (then maybe export the
  // CSVs), only export the CSVs of the finished dataset in --output, or
  // import a feature CSV.
  enum class Mode { Audio, ExportOnly, FromCsv };
  Mode mode() const;
  bool kaggle_compat() const { return compat == "kaggle"; }

  // Segment stride in samples (segment_seconds at the sample rate).
  std::size_t segment_samples() const;
  // Samples analysed per segment: the stride, or one less in Kaggle compat.
  std::size_t segment_length() const;
  // Checks every field; throws UsageError naming the option and the problem.
  // Sets the pad mode for --compat kaggle. Creates nothing.
  void validate();
};

}  // namespace genre::preprocess
