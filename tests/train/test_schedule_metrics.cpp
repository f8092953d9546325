// Learning-rate schedules and the metrics computed from summed counts.
#include <gtest/gtest.h>

#include <cmath>

#include "train/metrics.h"
#include "train/schedule.h"

namespace genre::train {
namespace {

TEST(Schedule, HoldThenDecayIsTheSeedsCallback) {
  ScheduleConfig s;
  s.name = "hold_then_decay";
  s.hold_epochs = 10;
  s.decay = 0.95;
  for (int e = 0; e < 10; ++e) EXPECT_DOUBLE_EQ(learning_rate(s, 1e-3, e, 60), 1e-3);
  // Keras calls the schedule with the rate it set before: epoch 10 runs at lr * 0.95.
  EXPECT_DOUBLE_EQ(learning_rate(s, 1e-3, 10, 60), 1e-3 * 0.95);
  EXPECT_NEAR(learning_rate(s, 1e-3, 59, 60), 1e-3 * std::pow(0.95, 50), 1e-15);
}

TEST(Schedule, ConstantCosineAndStep) {
  ScheduleConfig s;
  EXPECT_DOUBLE_EQ(learning_rate(s, 0.1, 17, 50), 0.1);
  s.name = "cosine";
  s.min_lr = 0.01;
  EXPECT_DOUBLE_EQ(learning_rate(s, 0.1, 0, 11), 0.1);
  EXPECT_NEAR(learning_rate(s, 0.1, 5, 11), 0.055, 1e-12);
  EXPECT_NEAR(learning_rate(s, 0.1, 10, 11), 0.01, 1e-12);
  s.name = "step";
  s.step_epochs = 3;
  s.gamma = 0.5;
  EXPECT_DOUBLE_EQ(learning_rate(s, 0.1, 2, 10), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate(s, 0.1, 3, 10), 0.05);
  EXPECT_DOUBLE_EQ(learning_rate(s, 0.1, 7, 10), 0.025);
}

TEST(Metrics, FromSums) {
  // 2 classes, 2 tracks. Segments: true 0 -> predicted 0, 0, 1; true 1 -> 1, 0.
  const SumsLayout layout{2, 2};
  std::vector<double> sums(static_cast<std::size_t>(layout.size()), 0.0);
  sums[0] = 2.5;  // loss sum
  sums[1] = 5;    // samples
  sums[2] = 2, sums[3] = 1, sums[4] = 1, sums[5] = 1;  // confusion [[2, 1], [1, 1]]
  // Track 0 (label 0): mean probabilities favour class 0; track 1 (label 1) favours class 0 too.
  sums[6] = 2.1, sums[7] = 0.9;
  sums[8] = 1.2, sums[9] = 0.8;
  const Metrics m = metrics_from_sums(sums, layout, {0, 1});
  EXPECT_DOUBLE_EQ(m.loss, 0.5);
  EXPECT_DOUBLE_EQ(m.accuracy, 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(m.precision[0], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.recall[0], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.precision[1], 0.5);
  EXPECT_DOUBLE_EQ(m.recall[1], 0.5);
  EXPECT_DOUBLE_EQ(m.macro_f1, (2.0 / 3.0 + 0.5) / 2);
  EXPECT_EQ(m.tracks, 2);
  EXPECT_DOUBLE_EQ(m.track_accuracy, 0.5);
  EXPECT_EQ(m.track_confusion, (std::vector<std::int64_t>{1, 0, 1, 0}));
  EXPECT_EQ(confusion_csv(m.confusion, {"a", "b"}), "true\\predicted,a,b\na,2,1\nb,1,1\n");
  const auto j = to_json(m, {"a", "b"});
  EXPECT_DOUBLE_EQ(j["precision"]["b"].get<double>(), 0.5);
  EXPECT_EQ(j["confusion"][0][1].get<int>(), 1);
}

TEST(Metrics, ClassesNeverPredictedScoreZeroNotNaN) {
  const SumsLayout layout{3, 1};
  std::vector<double> sums(static_cast<std::size_t>(layout.size()), 0.0);
  sums[1] = 2;
  sums[2] = 2;  // two samples of class 0 predicted 0
  sums[2 + 9] = 1;
  const Metrics m = metrics_from_sums(sums, layout, {0});
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(m.precision[1], 0.0);
  EXPECT_DOUBLE_EQ(m.macro_f1, 1.0 / 3.0);
}

}  // namespace
}  // namespace genre::train
