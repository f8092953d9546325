#include "model/net.h"

#include <string>

#include "model/model_config.h"

namespace genre::model {

namespace {
bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

double resolved_dropout(const ModelConfig& c) {
  if (c.dropout) return *c.dropout;
  if (c.name == "resnet") return 0.4;
  if (c.name == "spectrogram_cnn" || c.name == "mobilenet_v2") return 0.5;
  return 0.3;
}

double resolved_dense_l2(const ModelConfig& c) {
  if (c.dense_l2) return *c.dense_l2;
  return c.name == "resnet" ? 1e-3 : 0.0;
}

void Net::train(bool on) {
  torch::nn::Module::train(on);
  for (const auto& layer : eval_only_) layer->train(false);
}

void Net::keep_in_eval(std::vector<std::shared_ptr<torch::nn::Module>> layers) {
  const bool training = is_training();
  // Back to the net's own mode first: layers no longer held follow it again.
  torch::nn::Module::train(training);
  eval_only_ = std::move(layers);
  train(training);
}

std::int64_t count_trainable(const torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters())
    if (p.requires_grad()) n += p.numel();
  return n;
}

std::int64_t count_frozen(const torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters())
    if (!p.requires_grad()) n += p.numel();
  return n;
}

std::int64_t count_keras_total(const torch::nn::Module& m) {
  std::int64_t n = count_trainable(m) + count_frozen(m);
  for (const auto& b : m.named_buffers())
    if (ends_with(b.key(), "running_mean") || ends_with(b.key(), "running_var")) n += b.value().numel();
  return n;
}

void init_keras_style(torch::nn::Module& m) {
  torch::NoGradGuard no_grad;
  auto init = [](torch::Tensor& weight, torch::Tensor& bias) {
    torch::nn::init::xavier_uniform_(weight);
    if (bias.defined()) bias.zero_();
  };
  // Batch-norm scale and shift keep their ones and zeros (Keras' too).
  for (const auto& child : m.modules(/*include_self=*/false)) {
    if (auto* conv = child->as<torch::nn::Conv2d>())
      init(conv->weight, conv->bias);
    else if (auto* linear = child->as<torch::nn::Linear>())
      init(linear->weight, linear->bias);
  }
}

}  // namespace genre::model
