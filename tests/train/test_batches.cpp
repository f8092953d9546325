// The batch seam (data_source.h) with its in-memory backend and the sampler
// under it: one reproducible order per epoch, each global batch shared among
// ranks without overlap or gap, evaluation shares that partition a part, and
// batches that arrive standardised.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "common/error.h"
#include "synthetic_data.h"
#include "train/in_memory_source.h"
#include "train/sampler.h"

namespace genre::train {
namespace {

TEST(Sampler, EpochOrderIsAReproduciblePermutationPerEpoch) {
  const std::vector<std::int64_t> a = epoch_order(1000, 7, 0, true);
  std::vector<std::int64_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::int64_t> identity(1000);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(a, identity);
  EXPECT_EQ(epoch_order(1000, 7, 0, true), a);   // from the seed alone
  EXPECT_NE(epoch_order(1000, 7, 1, true), a);   // a new order every epoch
  EXPECT_NE(epoch_order(1000, 8, 0, true), a);   // and per seed
  EXPECT_EQ(epoch_order(1000, 7, 3, false), identity);
  EXPECT_TRUE(epoch_order(0, 7, 0, true).empty());
}

TEST(Sampler, RankSharesOfABatchAreDisjointAndCoverIt) {
  for (std::int64_t n : {0, 1, 5, 7, 32, 33})
    for (int ranks : {1, 2, 3, 5}) {
      const Span whole{10, 10 + n};
      std::int64_t next = whole.begin, smallest = n, largest = 0;
      for (int r = 0; r < ranks; ++r) {
        const Span s = share_of(whole, r, ranks);
        EXPECT_EQ(s.begin, next) << n << " over " << ranks;
        next = s.end;
        smallest = std::min(smallest, s.size());
        largest = std::max(largest, s.size());
      }
      EXPECT_EQ(next, whole.end);
      EXPECT_LE(largest - smallest, 1);
    }
  EXPECT_EQ(steps_per_epoch(60, 8), 8);
  EXPECT_EQ(global_batch(60, 8, 7).begin, 56);
  EXPECT_EQ(global_batch(60, 8, 7).size(), 4);
}

test::SyntheticSpec small_spec() {
  test::SyntheticSpec s;
  s.frames = 6;
  s.dims = 3;
  s.tracks_per_class = 5;  // 60 training samples
  return s;
}

BatchPlan plan_for(int rank, int ranks, const Standardizer& s) {
  BatchPlan p;
  p.rank = rank;
  p.ranks = ranks;
  p.batch_size = 7;
  p.eval_batch_size = 4;
  p.seed = 3;
  p.standardizer = s;
  return p;
}

TEST(InMemorySource, RanksTogetherReadWhatOneRankReads) {
  const TrainingData data = test::synthetic_training_data(small_spec());
  const InMemorySource source(data);
  EXPECT_EQ(source.info().train.samples, 60);
  EXPECT_EQ(source.info().val.tracks(), data.val.tracks());
  const Standardizer s = source.fit_standardizer();
  const auto one = source.training(plan_for(0, 1, s));
  std::vector<std::unique_ptr<TrainBatches>> three;
  for (int r = 0; r < 3; ++r) three.push_back(source.training(plan_for(r, 3, s)));
  ASSERT_EQ(one->steps(), 9);  // 8 of 7 and one of 4
  for (int epoch : {0, 1}) {
    std::vector<std::int64_t> seen;
    for (std::int64_t k = 0; k < one->steps(); ++k) {
      const Batch whole = one->batch(epoch, k);
      std::vector<torch::Tensor> xs, ys, tracks;
      for (auto& rank : three) {
        const Batch part = rank->batch(epoch, k);
        EXPECT_EQ(part.global, whole.size());
        if (part.size() == 0) continue;
        xs.push_back(part.x);
        ys.push_back(part.y);
        tracks.push_back(part.track);
      }
      EXPECT_TRUE(torch::equal(torch::cat(xs), whole.x)) << "epoch " << epoch << " step " << k;
      EXPECT_TRUE(torch::equal(torch::cat(ys), whole.y));
      EXPECT_TRUE(torch::equal(torch::cat(tracks), whole.track));
      // Which samples they are: rows of the standardised training split.
      for (std::int64_t i = 0; i < whole.size(); ++i) {
        std::int64_t row = -1;
        for (std::int64_t j = 0; j < 60 && row < 0; ++j)
          if (torch::equal(s.apply(data.train.x[j]), whole.x[i])) row = j;
        ASSERT_GE(row, 0);
        EXPECT_EQ(data.train.y[row].item<std::int64_t>(), whole.y[i].item<std::int64_t>());
        seen.push_back(row);
      }
    }
    std::sort(seen.begin(), seen.end());
    std::vector<std::int64_t> every(60);
    std::iota(every.begin(), every.end(), 0);
    EXPECT_EQ(seen, every) << "each sample once per epoch";
  }
}

TEST(InMemorySource, EvaluationSharesPartitionThePart) {
  const TrainingData data = test::synthetic_training_data(small_spec());
  const InMemorySource source(data);
  const Standardizer none;
  std::vector<torch::Tensor> xs, tracks;
  for (int r = 0; r < 3; ++r)
    source.evaluation(data::Part::Test, plan_for(r, 3, none))->for_each([&](const Batch& b) {
      EXPECT_LE(b.size(), 4);
      EXPECT_GT(b.size(), 0);
      xs.push_back(b.x);
      tracks.push_back(b.track);
    });
  EXPECT_TRUE(torch::equal(torch::cat(xs), data.test.x));
  EXPECT_TRUE(torch::equal(torch::cat(tracks), data.test.track));
  EXPECT_THROW(source.evaluation(data::Part::Train, plan_for(0, 1, none)), Error);
}

}  // namespace
}  // namespace genre::train
