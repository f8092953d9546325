#pragma once
// The per-file work of the preprocessor, identical on every rank: read the
// file's bytes once, hash them, and either recognise a track an earlier run
// already stored or decode, slice and extract features into the shard sink.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "data/shard.h"
#include "dsp/feature_extractor.h"
#include "preprocess/config.h"
#include "preprocess/scan.h"
#include "preprocess/shard_sink.h"

namespace genre::preprocess {

// What an earlier run stored for a path: reuse it if size and hash still match.
struct StoredTrack {
  std::uint64_t size_bytes = 0;
  std::uint64_t checksum = 0;
};

struct TrackOutcome {
  enum class Status { Done, Reused, Failed };
  Status status = Status::Failed;
  std::string reason;  // one line, for Failed
  int segments = 0;
};

class TrackProcessor {
 public:
  TrackProcessor(const PreprocessConfig& config, const data::DatasetParams& params);
  TrackOutcome process(const InputFile& file, const std::optional<StoredTrack>& stored, ShardSink& sink);

 private:
  std::size_t segment_samples_;
  int sample_rate_;
  double segment_seconds_;
  std::unique_ptr<dsp::FeatureExtractor> extractor_;
  std::size_t frames_, dims_;
};

}  // namespace genre::preprocess
