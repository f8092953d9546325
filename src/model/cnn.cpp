#include "model/cnn.h"

#include <string>

#include "common/error.h"
#include "model/layers.h"

namespace genre::model {

Cnn::Cnn(const ModelConfig& config, std::int64_t frames, std::int64_t dims, int classes)
    : pools_(config.pools), dropout_(resolved_dropout(config)), dense_l2_(resolved_dense_l2(config)) {
  std::int64_t h = frames, w = dims, channels = 1;
  for (std::size_t i = 0; i < config.filters.size(); ++i) {
    const int k = config.kernels[i];
    const std::string n = std::to_string(i + 1);
    if (h - k + 1 < 1 || w - k + 1 < 1)
      throw UsageError("model.kernels: a " + std::to_string(frames) + "x" + std::to_string(dims) +
                       " input has shrunk to " + std::to_string(h) + "x" + std::to_string(w) +
                       " before conv block " + n + ", too small for its " + std::to_string(k) + "x" +
                       std::to_string(k) + " kernel");
    convs_.push_back(register_module("conv" + n, torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, config.filters[i], k))));
    if (config.batch_norm)
      norms_.push_back(register_module(
          "bn" + n, torch::nn::BatchNorm2d(
                        torch::nn::BatchNorm2dOptions(config.filters[i]).momentum(config.bn_momentum).eps(config.bn_eps))));
    h = pool_same_size(h - k + 1, 2);
    w = pool_same_size(w - k + 1, 2);
    channels = config.filters[i];
  }
  dense_ = register_module("dense", torch::nn::Linear(channels * h * w, config.dense));
  out_ = register_module("out", torch::nn::Linear(config.dense, classes));
  init_keras_style(*this);
}

torch::Tensor Cnn::forward(torch::Tensor x) {
  x = x.unsqueeze(1);
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    x = max_pool_same(torch::relu(channels_last(convs_[i]->forward(x))), pools_[i], 2);
    if (!norms_.empty()) x = norms_[i]->forward(x);
  }
  // Flattened in Keras' (H, W, C) order, which for NHWC memory is a free view.
  x = torch::relu(dense_->forward(x.permute({0, 2, 3, 1}).flatten(1)));
  if (dropout_ > 0) x = inverted_dropout(x, dropout_, is_training());
  return out_->forward(x);
}

std::vector<std::string> Cnn::backbone() const {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    names.push_back("conv" + std::to_string(i + 1));
    if (!norms_.empty()) names.push_back("bn" + std::to_string(i + 1));
  }
  return names;
}

torch::Tensor Cnn::penalty() {
  if (dense_l2_ <= 0) return {};
  return dense_l2_ * dense_->weight.pow(2).sum();
}

}  // namespace genre::model
