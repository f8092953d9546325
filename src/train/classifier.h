#pragma once
// A trained model applied to audio: decode, resample, slice into segments and
// compute features with the parameters stored in model.json (the same front
// end as the preprocessor), standardise as in training, predict every segment,
// and vote per track with the mean of the segment probabilities.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dsp/feature_extractor.h"
#include "train/model_file.h"

namespace genre::train {

struct TrackPrediction {
  std::vector<float> probabilities;   // per class: mean over segments
  int best = 0;                       // argmax of probabilities
  std::vector<int> segment_class;     // per segment: argmax
  std::vector<float> segment_probability;  // per segment: its top probability
  double segment_s = 0;               // segment i starts at i * segment_s
};

class Classifier {
 public:
  // Throws UsageError for models that do not take audio-derived slices (the
  // feature-table MLPs), Error for unreadable model folders.
  Classifier(const std::filesystem::path& model_dir, const torch::Device& device);
  const ModelCard& card() const { return model_.card; }
  // Throws audio::BadAudio (unusable audio) or Error with a one-line reason.
  TrackPrediction classify(const std::string& encoded_audio);

 private:
  TrainedModel model_;
  torch::Device device_;
  std::unique_ptr<dsp::FeatureExtractor> extractor_;  // not thread-safe: one per classifier
  std::size_t segment_stride_ = 0;  // segment i starts at i * stride
  std::size_t segment_length_ = 0;  // and is this long (stride - 1 for Kaggle-compatible datasets)
};

}  // namespace genre::train
