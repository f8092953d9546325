#include "train/evaluation.h"

#include "train/step.h"

namespace genre::train {

namespace {

// Eval mode for a scope.
class EvalMode {
 public:
  explicit EvalMode(model::Net& net) : net_(net) { net_.eval(); }
  ~EvalMode() { net_.train(); }
  EvalMode(const EvalMode&) = delete;
  EvalMode& operator=(const EvalMode&) = delete;

 private:
  model::Net& net_;
};

}  // namespace

void evaluate(model::Net& net, EvalBatches& part, double label_smoothing, MetricSums& sums) {
  const EvalMode mode(net);
  torch::NoGradGuard no_grad;
  part.for_each([&](const Batch& b) {
    const torch::Tensor logp = torch::log_softmax(net.forward(b.x), 1);
    sums.add(logp, b.y, b.track, sample_loss(logp, b.y, label_smoothing));
  });
}

}  // namespace genre::train
