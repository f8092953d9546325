#pragma once
// The typed configuration of `genre preprocess`, filled from the command line
// once and validated in a separate pass before any work or any write.
#include <cstdint>
#include <filesystem>
#include <string>

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

  data::SplitSpec split_spec;        // parsed from `split` by validate()

  std::size_t segment_samples() const;
  // Checks every field; throws UsageError naming the option and the problem.
  // Creates nothing.
  void validate();
};

}  // namespace genre::preprocess
