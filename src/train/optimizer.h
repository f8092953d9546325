#pragma once
// The optimiser of a run (optim.*) over the one flat parameter buffer
// (flat_parameters.h), and the learning rate of each epoch.
#include <torch/torch.h>

#include <memory>

#include "train/config.h"
#include "train/flat_parameters.h"

namespace genre::train {

// Updates params.values(): every parameter the FlatParameters gathered (the
// net's parameters with requires_grad, so a layer frozen before flattening
// stays as it is).
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimConfig& o, FlatParameters& params);

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace genre::train
