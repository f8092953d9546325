// The training step (step.h) on a real MLP: its loss scale makes the mean of
// the ranks' gradients the global batch's gradient (also for uneven shares),
// an empty share changes nothing, the batch lands in the metric sums, label
// smoothing follows its formula, and the step seed replays dropout masks.
#include <gtest/gtest.h>

#include "model/registry.h"
#include "train/optimizer.h"
#include "train/step.h"

namespace genre::train {
namespace {

constexpr int kClasses = 4;

struct Model {
  model::NetPtr net;
  std::unique_ptr<FlatParameters> params;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  explicit Model(double dropout = 0.0) {
    model::ModelConfig c;
    c.name = "mlp";
    c.hidden = {16, 8};
    c.dropout = dropout;
    torch::manual_seed(1);
    net = model::build_model(c, {12}, kClasses);
    net->train();
    params = std::make_unique<FlatParameters>(*net);
    optimizer = make_optimizer(OptimConfig{}, *params);
  }
};

Batch rows(const torch::Tensor& x, const torch::Tensor& y, std::int64_t from, std::int64_t to, std::int64_t global) {
  return Batch{x.slice(0, from, to), y.slice(0, from, to), torch::zeros({to - from}, torch::kLong), global};
}

TEST(Step, TheRanksMeanGradientIsTheGlobalBatchsGradient) {
  torch::manual_seed(2);
  const torch::Tensor x = torch::randn({7, 12}), y = torch::randint(0, kClasses, {7}, torch::kLong);
  Model whole, split;
  MetricSums sums_whole(kClasses, 1, torch::kCPU), sums_split(kClasses, 1, torch::kCPU);
  Step one(*whole.net, *whole.params, *whole.optimizer, 0.1, 1);
  one.clear();
  one.gradients(rows(x, y, 0, 7, 7), sums_whole);

  // Two ranks with 4 and 3 of the 7 samples, in one process: the mean of
  // their gradients, as average_gradients leaves it.
  Step two(*split.net, *split.params, *split.optimizer, 0.1, 2);
  two.clear();
  two.gradients(rows(x, y, 0, 4, 7), sums_split);
  const torch::Tensor first = split.params->grads().clone();
  two.clear();
  two.gradients(rows(x, y, 4, 7, 7), sums_split);
  const torch::Tensor mean = (first + split.params->grads()) / 2;
  EXPECT_GT(whole.params->grads().abs().max().item<float>(), 0.0f);
  EXPECT_TRUE(torch::allclose(mean, whole.params->grads(), 1e-5, 1e-7));
  // The sums saw every sample once, whichever way it was split.
  EXPECT_EQ(sums_split.values()[1].item<double>(), 7.0);
  EXPECT_NEAR(sums_split.values()[0].item<double>(), sums_whole.values()[0].item<double>(), 1e-5);

  // The update moves the parameters along the gradient buffer.
  const torch::Tensor before = whole.params->values().detach().clone();
  one.update();
  EXPECT_FALSE(torch::equal(before, whole.params->values().detach()));
}

TEST(Step, AnEmptyShareLeavesGradientsAndSumsAlone) {
  Model m;
  MetricSums sums(kClasses, 1, torch::kCPU);
  Step step(*m.net, *m.params, *m.optimizer, 0.0, 3);
  step.clear();
  Batch empty;
  empty.global = 2;  // two samples over three ranks: this one has none
  step.gradients(empty, sums);
  EXPECT_EQ(m.params->grads().abs().sum().item<float>(), 0.0f);
  EXPECT_EQ(sums.values().abs().sum().item<double>(), 0.0);
}

TEST(Step, LabelSmoothingFollowsItsFormula) {
  const torch::Tensor logp = torch::log_softmax(torch::tensor({{1.0f, 2.0f, 0.5f}, {0.0f, -1.0f, 3.0f}}), 1);
  const torch::Tensor y = torch::tensor({1, 2}, torch::kLong);
  const torch::Tensor plain = sample_loss(logp, y, 0.0), smooth = sample_loss(logp, y, 0.2);
  for (int i = 0; i < 2; ++i) {
    const float nll = -logp[i][y[i].item<std::int64_t>()].item<float>();
    EXPECT_FLOAT_EQ(plain[i].item<float>(), nll);
    EXPECT_FLOAT_EQ(smooth[i].item<float>(), 0.8f * nll - 0.2f * logp[i].mean().item<float>());
  }
}

TEST(Step, TheStepSeedReplaysDropoutMasks) {
  auto draw = [](int epoch, std::int64_t step, int rank) {
    seed_step(42, epoch, 10, step, rank);
    return torch::rand({16});
  };
  const torch::Tensor a = draw(1, 3, 0);
  EXPECT_TRUE(torch::equal(draw(1, 3, 0), a));   // a resumed run draws the same
  EXPECT_FALSE(torch::equal(draw(1, 3, 1), a));  // each rank its own
  EXPECT_FALSE(torch::equal(draw(1, 4, 0), a));
  EXPECT_FALSE(torch::equal(draw(2, 3, 0), a));
}

}  // namespace
}  // namespace genre::train
