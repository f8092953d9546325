#include "train/step.h"

#include "common/random.h"

namespace genre::train {

torch::Tensor sample_loss(const torch::Tensor& logp, const torch::Tensor& y, double label_smoothing) {
  const torch::Tensor nll = torch::nll_loss(logp, y, {}, at::Reduction::None);
  return label_smoothing > 0 ? (1 - label_smoothing) * nll - label_smoothing * logp.mean(1) : nll;
}

void seed_step(std::uint64_t seed, int epoch, std::int64_t steps_per_epoch, std::int64_t step, int rank) {
  const auto global_step = static_cast<std::uint64_t>(epoch) * static_cast<std::uint64_t>(steps_per_epoch) +
                           static_cast<std::uint64_t>(step);
  torch::manual_seed(splitmix64(seed ^ splitmix64(global_step * 65536 + static_cast<std::uint64_t>(rank))));
}

Step::Step(model::Net& net, FlatParameters& params, torch::optim::Optimizer& optimizer, double label_smoothing,
           int ranks)
    : net_(net), params_(params), optimizer_(optimizer), label_smoothing_(label_smoothing), ranks_(ranks) {}

void Step::gradients(const Batch& batch, MetricSums& sums) {
  const std::int64_t n = batch.size();
  if (n == 0) return;
  // Every op here costs microseconds of dispatch, which for the MLP is a good
  // part of the step: ops that change nothing are left out.
  const torch::Tensor logp = torch::log_softmax(net_.forward(batch.x), 1);
  const torch::Tensor loss = sample_loss(logp, batch.y, label_smoothing_);
  torch::Tensor objective = loss.mean();
  if (n * ranks_ != batch.global)
    objective = objective * (static_cast<double>(n * ranks_) / static_cast<double>(batch.global));
  if (const torch::Tensor penalty = net_.penalty(); penalty.defined()) objective = objective + penalty;
  objective.backward();
  torch::NoGradGuard no_grad;
  sums.add(logp, batch.y, batch.track, loss);
}

}  // namespace genre::train
