#pragma once
// The training step's arithmetic on this rank's part of a global batch:
// forward, per-sample loss, backward into the flat gradient buffer, the
// batch's metric sums; then, once the parallel strategy has averaged the
// gradients over ranks, the optimiser's update. The loss is scaled so that the
// mean over ranks of their gradients is the gradient of the global batch.
#include <torch/torch.h>

#include <cstdint>

#include "model/net.h"
#include "train/data_source.h"
#include "train/flat_parameters.h"
#include "train/metric_sums.h"

namespace genre::train {

// Cross-entropy per sample from log-probabilities, with label smoothing
// (Keras' and torch's definition: (1 - s) nll + s x mean over classes of -logp).
torch::Tensor sample_loss(const torch::Tensor& logp, const torch::Tensor& y, double label_smoothing);

// Seeds torch's generator for one step: dropout masks depend on (seed, epoch,
// step, rank) only, so a resumed run draws the masks the uninterrupted one drew.
void seed_step(std::uint64_t seed, int epoch, std::int64_t steps_per_epoch, std::int64_t step, int rank);

class Step {
 public:
  // The optimiser updates params.values(); all must outlive the step.
  Step(model::Net& net, FlatParameters& params, torch::optim::Optimizer& optimizer, double label_smoothing, int ranks);
  // Zeroes the gradient buffer.
  void clear() { params_.zero_grad(); }
  // This rank's gradients for its part of the global batch (nothing for an
  // empty part); adds the part's loss and predictions to `sums`.
  void gradients(const Batch& batch, MetricSums& sums);
  // The optimiser's update from the gradient buffer.
  void update() { optimizer_.step(); }

 private:
  model::Net& net_;
  FlatParameters& params_;
  torch::optim::Optimizer& optimizer_;
  double label_smoothing_;
  int ranks_;
};

}  // namespace genre::train
