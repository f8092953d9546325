#pragma once
// A trained model applied to audio: decode, resample, and compute the model's
// inputs with the parameters stored in model.json (the same front end as the
// preprocessor), standardise as in training, predict, and vote per track
// with the mean of the segment probabilities. The inputs follow what the
// model was trained on (model.json's data.input):
//   features     MFCC / log-mel slices of each segment
//   table        the GTZAN feature-table row of each segment
//   track_table  one feature-table row of the whole track (no timeline)
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "train/model_file.h"

namespace genre::train {

struct TrackPrediction {
  std::vector<float> probabilities;   // per class: mean over segments
  int best = 0;                       // argmax of probabilities
  std::vector<int> segment_class;     // per segment: argmax (empty for track_table models)
  std::vector<float> segment_probability;  // per segment: its top probability
  double segment_s = 0;               // segment i starts at i * segment_s
};

// Turns decoded audio into the model's input rows [n, ...sample_shape].
class InputFrontEnd {
 public:
  virtual ~InputFrontEnd() = default;
  // The fewest samples a track needs.
  virtual std::size_t min_samples() const = 0;
  virtual torch::Tensor inputs(const std::vector<float>& samples) = 0;
  // Whether each input row is a segment (a timeline), or the whole track.
  virtual bool per_segment() const = 0;
};

class Classifier {
 public:
  // Throws Error for unreadable model folders or a model.json whose
  // features do not give the model's input shape.
  Classifier(const std::filesystem::path& model_dir, const torch::Device& device);
  ~Classifier();
  const ModelCard& card() const { return model_.card; }
  // Throws audio::BadAudio (unusable audio) or Error with a one-line reason.
  TrackPrediction classify(const std::string& encoded_audio);

 private:
  TrainedModel model_;
  torch::Device device_;
  std::unique_ptr<InputFrontEnd> front_end_;  // not thread-safe: one per classifier
};

}  // namespace genre::train
