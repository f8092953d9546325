// The early-stopping rule (early_stopping.h): the best epoch by the metric's
// direction beyond min_delta, patience counted in epochs without a new best,
// and without a validation split every epoch the best.
#include <gtest/gtest.h>

#include "train/early_stopping.h"

namespace genre::train {
namespace {

Metrics with(double accuracy, double loss) {
  Metrics m;
  m.accuracy = accuracy;
  m.loss = loss;
  return m;
}

LoopConfig loop(const std::string& metric, int patience, double min_delta) {
  LoopConfig c;
  c.metric = metric;
  c.patience = patience;
  c.min_delta = min_delta;
  return c;
}

TEST(EarlyStopping, KeepsTheBestEpochAndCountsPatience) {
  const EarlyStopping rule(loop("val_accuracy", 2, 0.01), true);
  BestEpoch best;
  EXPECT_TRUE(rule.improved(1, with(0.50, 0), best));   // the first epoch is always the best so far
  EXPECT_TRUE(rule.improved(2, with(0.60, 0), best));
  EXPECT_FALSE(rule.improved(3, with(0.605, 0), best));  // within min_delta
  EXPECT_EQ(best.epoch, 2);
  EXPECT_DOUBLE_EQ(best.value, 0.60);
  EXPECT_EQ(best.bad_epochs, 1);
  EXPECT_FALSE(rule.exhausted(best));
  EXPECT_FALSE(rule.improved(4, with(0.40, 0), best));
  EXPECT_TRUE(rule.exhausted(best));  // two epochs without a better one
  EXPECT_TRUE(rule.improved(5, with(0.70, 0), best));
  EXPECT_EQ(best.bad_epochs, 0);
  EXPECT_FALSE(rule.exhausted(best));
}

TEST(EarlyStopping, LowerIsBetterForTheLoss) {
  const EarlyStopping rule(loop("val_loss", 0, 0.0), true);
  BestEpoch best;
  EXPECT_TRUE(rule.improved(1, with(0.9, 1.0), best));
  EXPECT_FALSE(rule.improved(2, with(0.99, 1.2), best));  // accuracy is not the metric
  EXPECT_TRUE(rule.improved(3, with(0.1, 0.8), best));
  EXPECT_EQ(best.epoch, 3);
  for (int e = 4; e < 50; ++e) rule.improved(e, with(0, 5.0), best);
  EXPECT_FALSE(rule.exhausted(best));  // patience 0: never stops
}

TEST(EarlyStopping, WithoutAValidationSplitTheLastEpochIsTheBest) {
  const EarlyStopping rule(loop("val_accuracy", 0, 0.0), false);
  BestEpoch best;
  for (int e = 1; e <= 3; ++e) EXPECT_TRUE(rule.improved(e, Metrics{}, best));
  EXPECT_EQ(best.epoch, 3);
  EXPECT_FALSE(rule.exhausted(best));
}

}  // namespace
}  // namespace genre::train
