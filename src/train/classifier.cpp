#include "train/classifier.h"

#include <cmath>

#include "audio/loader.h"
#include "common/error.h"

namespace genre::train {

namespace {

dsp::FeatureParams feature_params(const data::DatasetParams& p) {
  dsp::FeatureParams f;
  f.kind = dsp::parse_feature_kind(p.feature);
  f.stft.sample_rate = p.sample_rate;
  f.stft.n_fft = p.n_fft;
  f.stft.hop_length = p.hop_length;
  f.stft.pad_mode = dsp::parse_pad_mode(p.pad_mode);
  f.n_mels = p.n_mels;
  f.n_mfcc = p.n_mfcc;
  return f;
}

}  // namespace

Classifier::Classifier(const std::filesystem::path& model_dir, const torch::Device& device)
    : model_(load_trained_model(model_dir, device)), device_(device) {
  const ModelCard& card = model_.card;
  if (card.input != InputKind::Features)
    throw UsageError(model_dir.string() + ": the model was trained on feature-table rows (data.input " +
                     to_string(card.input) + "); classify computes MFCC / log-mel slices from audio, so it needs a model "
                     "trained on data.input features");
  extractor_ = dsp::make_feature_extractor(feature_params(card.features));
  // As the preprocessor slices: stride from segment_s, analysed length from segment_samples.
  segment_stride_ = static_cast<std::size_t>(std::llround(card.features.segment_s * card.features.sample_rate));
  segment_length_ = card.features.segment_samples > 0 ? static_cast<std::size_t>(card.features.segment_samples) : segment_stride_;
  const std::size_t frames = extractor_->frames(segment_length_), dims = extractor_->dims();
  if (card.sample_shape.size() != 2 || card.sample_shape[0] != static_cast<std::int64_t>(frames) ||
      card.sample_shape[1] != static_cast<std::int64_t>(dims))
    throw Error(model_dir.string() + ": model.json's features give " + std::to_string(frames) + "x" +
                std::to_string(dims) + " slices but the model takes " + std::to_string(card.sample_shape.at(0)) + "x" +
                std::to_string(card.sample_shape.size() > 1 ? card.sample_shape[1] : 0));
}

TrackPrediction Classifier::classify(const std::string& encoded_audio) {
  const ModelCard& card = model_.card;
  const audio::LoadedAudio audio = audio::load_for_analysis(encoded_audio, card.features.sample_rate, segment_length_);
  const std::size_t n = audio.samples.size();
  const std::size_t segments = n >= segment_length_ ? 1 + (n - segment_length_) / segment_stride_ : 0;
  const std::int64_t frames = card.sample_shape[0], dims = card.sample_shape[1];
  torch::Tensor x = torch::empty({static_cast<std::int64_t>(segments), frames, dims}, torch::kFloat);
  float* out = x.data_ptr<float>();
  for (std::size_t s = 0; s < segments; ++s)
    extractor_->compute(audio.samples.data() + s * segment_stride_, segment_length_,
                        out + static_cast<std::int64_t>(s) * frames * dims);

  torch::NoGradGuard no_grad;
  const torch::Tensor probs =
      torch::softmax(model_.net->forward(card.standardizer.apply(x).to(device_)), 1).to(torch::kCPU).contiguous();
  TrackPrediction p;
  p.segment_s = card.features.segment_s;
  const torch::Tensor mean = probs.mean(0).contiguous();
  p.probabilities.assign(mean.data_ptr<float>(), mean.data_ptr<float>() + mean.numel());
  p.best = static_cast<int>(mean.argmax().item<std::int64_t>());
  const auto [top, index] = probs.max(1);
  for (std::size_t s = 0; s < segments; ++s) {
    p.segment_class.push_back(static_cast<int>(index[static_cast<std::int64_t>(s)].item<std::int64_t>()));
    p.segment_probability.push_back(top[static_cast<std::int64_t>(s)].item<float>());
  }
  return p;
}

}  // namespace genre::train
