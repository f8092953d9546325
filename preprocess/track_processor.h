#pragma once
// The per-file work of the preprocessor, identical on every rank: read the
// file's bytes once, hash them, and either recognise a track an earlier run
// already stored or decode, slice and extract features into the shard sink.
// With the feature table on, each segment also gets its table row and the
// whole track one more; the segment features then reuse the table's log-mel
// where the parameters allow (128 mel bands, top_db 80), so each segment's
// STFT runs once.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "data/shard.h"
#include "dsp/dct.h"
#include "dsp/feature_extractor.h"
#include "dsp/feature_table.h"
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
  // The segment features for segment s, from the table's log-mel or the extractor.
  void segment_features(const float* segment, float* out);

  std::size_t segment_samples_;  // stride
  std::size_t segment_length_;   // analysed (one less in Kaggle compat)
  int sample_rate_;
  double segment_seconds_;
  std::unique_ptr<dsp::FeatureExtractor> extractor_;
  std::size_t frames_, dims_;
  std::unique_ptr<dsp::FeatureTable> table_;
  bool reuse_log_mel_ = false;
  std::unique_ptr<dsp::Dct> dct_;  // MFCC from the shared log-mel
};

}  // namespace genre::preprocess
