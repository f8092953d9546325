#include "model/spectrogram_cnn.h"

#include <string>

#include "model/layers.h"

namespace genre::model {

SpectrogramCnn::SpectrogramCnn(const ModelConfig& config, std::int64_t channels, std::int64_t height,
                               std::int64_t width, int classes)
    : dropout_(resolved_dropout(config)), dense_l2_(resolved_dense_l2(config)) {
  std::int64_t h = height, w = width;
  for (std::size_t i = 0; i < config.image_filters.size(); ++i) {
    // 3x3 with one cell of zeros each side: Keras' "same" for stride 1.
    convs_.push_back(register_module(
        "conv" + std::to_string(i + 1),
        torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, config.image_filters[i], 3).padding(1))));
    channels = config.image_filters[i];
    h = pool_same_size(h, 2);
    w = pool_same_size(w, 2);
  }
  dense_ = register_module("dense", torch::nn::Linear(channels * h * w, config.image_dense));
  out_ = register_module("out", torch::nn::Linear(config.image_dense, classes));
  init_keras_style(*this);
}

torch::Tensor SpectrogramCnn::forward(torch::Tensor x) {
  if (x.dim() == 3) x = x.unsqueeze(1);
  for (auto& conv : convs_) x = max_pool_same(torch::relu(channels_last(conv->forward(x))), 2, 2);
  // Flattened in Keras' (H, W, C) order, which for NHWC memory is a free view.
  x = torch::relu(dense_->forward(x.permute({0, 2, 3, 1}).flatten(1)));
  if (dropout_ > 0) x = inverted_dropout(x, dropout_, is_training());
  return out_->forward(x);
}

torch::Tensor SpectrogramCnn::penalty() {
  if (dense_l2_ <= 0) return {};
  return dense_l2_ * dense_->weight.pow(2).sum();
}

std::vector<std::string> SpectrogramCnn::backbone() const {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < convs_.size(); ++i) names.push_back("conv" + std::to_string(i + 1));
  return names;
}

}  // namespace genre::model
