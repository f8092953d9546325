#pragma once
// `genre synth --features`: a dataset of shards written directly, without
// audio, for tests and benchmarks at collection scale (a million segments in
// minutes). Each class has a smooth [frames, dims] pattern (a per-dimension
// level plus a slow oscillation in time, as an MFCC or log-mel profile
// drifts), each track an offset, each segment noise; the result goes through
// the real ShardWriter and dataset.json, so every reader takes it as it takes
// `genre preprocess` output. Same config, same numbers, whatever the threads.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace genre::preprocess {

struct SynthFeaturesConfig {
  std::filesystem::path output;   // dataset folder: dataset.json, shards/
  std::string feature = "mfcc";  // "mfcc" (13 dims) | "logmel" (128 dims), 130 frames
  int classes = 10;
  int tracks_per_class = 10;
  int segments_per_track = 10;
  int shard_tracks = 100;  // tracks per shard
  std::string split = "track:0.8,0.1,0.1";
  std::uint64_t seed = 42;
  double signal = 0.5;  // class pattern amplitude against unit noise
  int threads = 0;      // writer threads; 0: the machine's cores

  // Throws UsageError naming the option.
  void validate() const;
};

struct SynthFeaturesSummary {
  std::size_t tracks = 0, segments = 0, shards = 0;
  std::uintmax_t bytes = 0;  // of the shards
};

// Called after each shard with (shards written, shards to write).
using SynthFeaturesProgress = std::function<void(std::size_t done, std::size_t total)>;

// Writes <output>/shards/shard-00000-NNNN.h5 and <output>/dataset.json
// (validating the config first); an existing dataset.json is refused.
SynthFeaturesSummary write_synth_features(const SynthFeaturesConfig& config,
                                          const SynthFeaturesProgress& progress = {});

}  // namespace genre::preprocess
