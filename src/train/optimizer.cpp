#include "train/optimizer.h"

namespace genre::train {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimConfig& o, FlatParameters& params) {
  const std::vector<torch::Tensor> values{params.values()};
  if (o.name == "sgd")
    return std::make_unique<torch::optim::SGD>(
        values, torch::optim::SGDOptions(o.lr).momentum(o.momentum).nesterov(o.nesterov).weight_decay(o.weight_decay));
  if (o.name == "adamw")
    return std::make_unique<torch::optim::AdamW>(
        values, torch::optim::AdamWOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weight_decay));
  return std::make_unique<torch::optim::Adam>(
      values, torch::optim::AdamOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weight_decay));
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace genre::train
