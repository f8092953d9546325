#include "model/mlp.h"

#include <string>

#include "model/layers.h"

namespace genre::model {

Mlp::Mlp(const ModelConfig& config, std::int64_t inputs, int classes) : dropout_(resolved_dropout(config)) {
  std::int64_t width = inputs;
  for (std::size_t i = 0; i < config.hidden.size(); ++i) {
    hidden_.push_back(register_module("fc" + std::to_string(i + 1), torch::nn::Linear(width, config.hidden[i])));
    width = config.hidden[i];
  }
  out_ = register_module("out", torch::nn::Linear(width, classes));
  init_keras_style(*this);
}

torch::Tensor Mlp::forward(torch::Tensor x) {
  x = x.flatten(1);
  for (std::size_t i = 0; i < hidden_.size(); ++i) {
    x = torch::relu(hidden_[i]->forward(x));
    if (i + 1 < hidden_.size() && dropout_ > 0) x = inverted_dropout(x, dropout_, is_training());
  }
  return out_->forward(x);
}

std::vector<std::string> Mlp::backbone() const {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < hidden_.size(); ++i) names.push_back("fc" + std::to_string(i + 1));
  return names;
}

}  // namespace genre::model
