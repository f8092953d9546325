// Evaluation (evaluation.h) and the metric sums under it (metric_sums.h): the
// sums of a batch are what the formulas say, the sums of R ranks' shares add
// up to one rank's (the per-track vote included), and the net is back in
// training mode afterwards, also after an error
// (a net whose input does not fit the data).
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "model/registry.h"
#include "synthetic_data.h"
#include "train/evaluation.h"
#include "train/in_memory_source.h"

namespace genre::train {
namespace {

TEST(MetricSums, AddsLossCountConfusionAndTrackProbabilities) {
  MetricSums sums(2, 2, torch::kCPU);
  // Sample 0 (track 0, class 0) predicted 0; samples 1, 2 (track 1, class 1) predicted 0 and 1.
  const torch::Tensor p = torch::tensor({{0.9, 0.1}, {0.6, 0.4}, {0.2, 0.8}}, torch::kFloat);
  sums.add(p.log(), torch::tensor({0, 1, 1}, torch::kLong), torch::tensor({0, 1, 1}, torch::kLong),
           torch::tensor({0.5f, 1.0f, 1.5f}));
  const torch::Tensor v = sums.values();
  EXPECT_DOUBLE_EQ(v[0].item<double>(), 3.0);  // loss sum
  EXPECT_DOUBLE_EQ(v[1].item<double>(), 3.0);  // samples
  const std::vector<double> confusion{v[2].item<double>(), v[3].item<double>(), v[4].item<double>(), v[5].item<double>()};
  EXPECT_EQ(confusion, (std::vector<double>{1, 0, 1, 1}));
  EXPECT_NEAR(v[6 + 2].item<double>(), 0.6 + 0.2, 1e-6);  // track 1, class 0
  EXPECT_NEAR(v[6 + 3].item<double>(), 0.4 + 0.8, 1e-6);  // track 1, class 1
  const Metrics m = sums.metrics({0, 1});
  EXPECT_DOUBLE_EQ(m.loss, 1.0);
  EXPECT_NEAR(m.accuracy, 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(m.track_accuracy, 1.0);  // track 1's mean votes for class 1
  sums.zero();
  EXPECT_EQ(sums.values().abs().sum().item<double>(), 0.0);
}

struct Fixture {
  TrainingData data = [] {
    test::SyntheticSpec s;
    s.frames = 8;
    s.dims = 5;
    s.tracks_per_class = 10;
    return test::synthetic_training_data(s);
  }();
  InMemorySource source{data};
  model::NetPtr net = [] {
    model::ModelConfig c;
    c.name = "mlp";
    c.hidden = {16};
    c.dropout = 0.5;  // on in training mode: evaluation must turn it off
    torch::manual_seed(3);
    return model::build_model(c, {8, 5}, 4);
  }();
  BatchPlan plan(int rank, int ranks) const {
    BatchPlan p;
    p.rank = rank;
    p.ranks = ranks;
    p.eval_batch_size = 3;
    p.standardizer = source.fit_standardizer();
    return p;
  }
  Metrics metrics(int ranks) {
    MetricSums total(4, source.info().test.tracks(), torch::kCPU);
    for (int r = 0; r < ranks; ++r) {
      MetricSums mine(4, source.info().test.tracks(), torch::kCPU);
      evaluate(*net, *source.evaluation(data::Part::Test, plan(r, ranks)), 0.1, mine);
      total.values().add_(mine.values());  // what sum_across_ranks does
    }
    return total.metrics(source.info().test.track_label);
  }
};

TEST(Evaluation, SharesOfRanksGiveTheMetricsOfOneRank) {
  Fixture f;
  const Metrics one = f.metrics(1);
  EXPECT_EQ(one.samples, f.data.test.size());
  EXPECT_EQ(one.tracks, f.data.test.tracks());
  for (int ranks : {2, 3, 7}) {
    const Metrics many = f.metrics(ranks);
    EXPECT_EQ(many.confusion, one.confusion) << ranks;
    EXPECT_EQ(many.track_confusion, one.track_confusion) << ranks;
    EXPECT_EQ(many.track_accuracy, one.track_accuracy) << ranks;
    EXPECT_NEAR(many.loss, one.loss, 1e-12) << ranks;
  }
  EXPECT_TRUE(f.net->is_training());
  EXPECT_EQ(f.metrics(1).loss, one.loss);  // dropout was off: the same numbers again
}

TEST(Evaluation, TheNetIsBackInTrainingModeAfterAnError) {
  Fixture f;
  model::ModelConfig c;
  c.name = "mlp";
  const model::NetPtr wrong = model::build_model(c, {12}, 4);  // for samples of 12 values, not 8 x 5
  wrong->train();
  MetricSums sums(4, f.source.info().test.tracks(), torch::kCPU);
  EXPECT_ANY_THROW(evaluate(*wrong, *f.source.evaluation(data::Part::Test, f.plan(0, 1)), 0.0, sums));
  EXPECT_TRUE(wrong->is_training());
}

}  // namespace
}  // namespace genre::train
