#include "model/resnet.h"

#include <string>

#include "model/layers.h"

namespace genre::model {

namespace {
torch::nn::Conv2d conv_same(std::int64_t in, std::int64_t out, int k) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).padding(k / 2));
}
torch::nn::BatchNorm2d batch_norm(std::int64_t channels, const ModelConfig& c) {
  return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).momentum(c.bn_momentum).eps(c.bn_eps));
}
}  // namespace

ResidualBlockImpl::ResidualBlockImpl(std::int64_t in, std::int64_t out, const ModelConfig& config) {
  conv1_ = register_module("conv1", conv_same(in, out, 3));
  if (config.batch_norm) bn1_ = register_module("bn1", batch_norm(out, config));
  conv2_ = register_module("conv2", conv_same(out, out, 3));
  if (config.batch_norm) bn2_ = register_module("bn2", batch_norm(out, config));
  // The seed's projection shortcut has no batch norm.
  if (in != out) shortcut_ = register_module("shortcut", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
}

torch::Tensor ResidualBlockImpl::forward(torch::Tensor x) {
  torch::Tensor y = torch::relu(conv1_->forward(x));
  if (bn1_) y = bn1_->forward(y);
  y = torch::relu(conv2_->forward(y));
  if (bn2_) y = bn2_->forward(y);
  return torch::relu(y + (shortcut_ ? shortcut_->forward(x) : x));
}

ResNet::ResNet(const ModelConfig& config, std::int64_t frames, std::int64_t dims, int classes)
    : dropout_(resolved_dropout(config)), dense_l2_(resolved_dense_l2(config)) {
  stem_ = register_module("stem", conv_same(1, config.stem, 3));
  if (config.batch_norm) stem_bn_ = register_module("stem_bn", batch_norm(config.stem, config));
  std::int64_t h = pool_same_size(frames, 2), w = pool_same_size(dims, 2), channels = config.stem;
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    std::vector<ResidualBlock> blocks;
    for (int b = 0; b < config.blocks_per_stage; ++b) {
      const std::string name = "stage" + std::to_string(s + 1) + "_block" + std::to_string(b + 1);
      blocks.push_back(register_module(name, ResidualBlock(channels, config.stages[s], config)));
      channels = config.stages[s];
    }
    stages_.push_back(std::move(blocks));
    h = pool_same_size(h, 2);
    w = pool_same_size(w, 2);
  }
  dense_ = register_module("dense", torch::nn::Linear(channels * h * w, config.dense));
  out_ = register_module("out", torch::nn::Linear(config.dense, classes));
  init_keras_style(*this);
}

torch::Tensor ResNet::forward(torch::Tensor x) {
  x = torch::relu(channels_last(stem_->forward(x.unsqueeze(1))));
  if (stem_bn_) x = stem_bn_->forward(x);
  x = max_pool_same(x, 2, 2);
  for (auto& blocks : stages_) {
    for (auto& block : blocks) x = block->forward(x);
    x = max_pool_same(x, 2, 2);
  }
  x = torch::relu(dense_->forward(x.permute({0, 2, 3, 1}).flatten(1)));
  if (dropout_ > 0) x = inverted_dropout(x, dropout_, is_training());
  return out_->forward(x);
}

std::vector<std::string> ResNet::backbone() const {
  std::vector<std::string> names{"stem"};
  if (stem_bn_) names.push_back("stem_bn");
  for (std::size_t s = 0; s < stages_.size(); ++s)
    for (std::size_t b = 0; b < stages_[s].size(); ++b)
      names.push_back("stage" + std::to_string(s + 1) + "_block" + std::to_string(b + 1));
  return names;
}

torch::Tensor ResNet::penalty() {
  if (dense_l2_ <= 0) return {};
  return dense_l2_ * dense_->weight.pow(2).sum();
}

}  // namespace genre::model
