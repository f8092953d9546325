#include "train/classifier.h"

#include <cmath>

#include "audio/loader.h"
#include "common/error.h"
#include "dsp/feature_extractor.h"
#include "dsp/feature_table.h"

namespace genre::train {

namespace {

dsp::StftParams stft_params(const data::DatasetParams& p) {
  dsp::StftParams s;
  s.sample_rate = p.sample_rate;
  s.n_fft = p.n_fft;
  s.hop_length = p.hop_length;
  s.pad_mode = dsp::parse_pad_mode(p.pad_mode);
  return s;
}

// As the preprocessor slices: segment i starts at i * stride (segment_s) and
// analyses `length` samples (segment_samples: one less under --compat kaggle).
struct Slicing {
  std::size_t stride = 0, length = 0;
  explicit Slicing(const data::DatasetParams& p)
      : stride(static_cast<std::size_t>(std::llround(p.segment_s * p.sample_rate))),
        length(p.segment_samples > 0 ? static_cast<std::size_t>(p.segment_samples) : stride) {}
  std::size_t count(std::size_t n) const { return audio::segment_count(n, stride, length); }
};

class SliceFrontEnd : public InputFrontEnd {
 public:
  SliceFrontEnd(const ModelCard& card, const std::filesystem::path& dir) : slicing_(card.features) {
    dsp::FeatureParams f;
    f.kind = dsp::parse_feature_kind(card.features.feature);
    f.stft = stft_params(card.features);
    f.n_mels = card.features.n_mels;
    f.n_mfcc = card.features.n_mfcc;
    extractor_ = dsp::make_feature_extractor(f);
    frames_ = static_cast<std::int64_t>(extractor_->frames(slicing_.length));
    dims_ = static_cast<std::int64_t>(extractor_->dims());
    if (card.sample_shape != std::vector<std::int64_t>{frames_, dims_})
      throw Error(dir.string() + ": model.json's features give " + std::to_string(frames_) + "x" +
                  std::to_string(dims_) + " slices but the model takes another shape");
  }
  std::size_t min_samples() const override { return slicing_.length; }
  bool per_segment() const override { return true; }
  torch::Tensor inputs(const std::vector<float>& samples) override {
    const auto n = static_cast<std::int64_t>(slicing_.count(samples.size()));
    torch::Tensor x = torch::empty({n, frames_, dims_}, torch::kFloat);
    for (std::int64_t s = 0; s < n; ++s)
      extractor_->compute(samples.data() + static_cast<std::size_t>(s) * slicing_.stride, slicing_.length,
                          x.data_ptr<float>() + s * frames_ * dims_);
    return x;
  }

 private:
  Slicing slicing_;
  std::unique_ptr<dsp::FeatureExtractor> extractor_;
  std::int64_t frames_ = 0, dims_ = 0;
};

// Feature-table rows: one per segment, or one of the whole track (the
// features_30_sec rows; also a dataset imported from a 30-s CSV alone, whose
// "segments" are whole tracks).
class TableFrontEnd : public InputFrontEnd {
 public:
  TableFrontEnd(const ModelCard& card, const std::filesystem::path& dir, bool whole_track)
      : slicing_(card.features), whole_track_(whole_track), table_(stft_params(card.features)) {
    const auto columns = static_cast<std::int64_t>(dsp::FeatureTable::columns().size());
    if (card.sample_shape != std::vector<std::int64_t>{columns})
      throw Error(dir.string() + ": the model takes rows of " +
                  (card.sample_shape.empty() ? std::string("?") : std::to_string(card.sample_shape[0])) +
                  " values, the feature table has " + std::to_string(columns));
  }
  std::size_t min_samples() const override {
    return whole_track_ ? static_cast<std::size_t>(table_.stft_params().n_fft) : slicing_.length;
  }
  bool per_segment() const override { return !whole_track_; }
  torch::Tensor inputs(const std::vector<float>& samples) override {
    const auto columns = static_cast<std::int64_t>(dsp::FeatureTable::columns().size());
    const auto n = whole_track_ ? 1 : static_cast<std::int64_t>(slicing_.count(samples.size()));
    torch::Tensor x = torch::empty({n, columns}, torch::kFloat);
    for (std::int64_t s = 0; s < n; ++s) {
      const std::size_t start = whole_track_ ? 0 : static_cast<std::size_t>(s) * slicing_.stride;
      table_.compute(samples.data() + start, whole_track_ ? samples.size() : slicing_.length,
                     x.data_ptr<float>() + s * columns);
    }
    return x;
  }

 private:
  Slicing slicing_;
  bool whole_track_;
  dsp::FeatureTable table_;
};

std::unique_ptr<InputFrontEnd> make_front_end(const ModelCard& card, const std::filesystem::path& dir) {
  switch (card.input) {
    case InputKind::Features: return std::make_unique<SliceFrontEnd>(card, dir);
    case InputKind::Table: return std::make_unique<TableFrontEnd>(card, dir, card.features.segment_samples == 0);
    case InputKind::TrackTable: return std::make_unique<TableFrontEnd>(card, dir, true);
  }
  throw Error(dir.string() + ": unknown data.input");
}

}  // namespace

Classifier::Classifier(const std::filesystem::path& model_dir, const torch::Device& device)
    : model_(load_trained_model(model_dir, device)), device_(device), front_end_(make_front_end(model_.card, model_dir)) {}

Classifier::~Classifier() = default;

TrackPrediction Classifier::classify(const std::string& encoded_audio) {
  const ModelCard& card = model_.card;
  const audio::LoadedAudio audio =
      audio::load_for_analysis(encoded_audio, card.features.sample_rate, front_end_->min_samples());
  const torch::Tensor x = front_end_->inputs(audio.samples);

  torch::NoGradGuard no_grad;
  const torch::Tensor probs =
      torch::softmax(model_.net->forward(card.standardizer.apply(x).to(device_)), 1).to(torch::kCPU).contiguous();
  // load_weights compares shapes; a net whose outputs still outnumber the
  // class names must not index past them.
  if (probs.size(1) != static_cast<std::int64_t>(card.classes.size()))
    throw Error("the model gives " + std::to_string(probs.size(1)) + " outputs for " +
                std::to_string(card.classes.size()) + " classes in model.json");
  TrackPrediction p;
  p.segment_s = front_end_->per_segment() ? card.features.segment_s : audio.duration_s;
  const torch::Tensor mean = probs.mean(0).contiguous();
  p.probabilities.assign(mean.data_ptr<float>(), mean.data_ptr<float>() + mean.numel());
  p.best = static_cast<int>(mean.argmax().item<std::int64_t>());
  if (!front_end_->per_segment()) return p;
  const auto [top, index] = probs.max(1);
  for (std::int64_t s = 0; s < probs.size(0); ++s) {
    p.segment_class.push_back(static_cast<int>(index[s].item<std::int64_t>()));
    p.segment_probability.push_back(top[s].item<float>());
  }
  return p;
}

}  // namespace genre::train
