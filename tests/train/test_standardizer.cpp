// Standardisation statistics in one streaming pass (standardizer_fit.h): the
// chunked float64 accumulators give the statistics of the whole split,
// whatever the chunking, and keep the variance of columns far from zero.
#include <gtest/gtest.h>

#include <random>

#include "common/error.h"
#include "train/standardizer_fit.h"
#include "train/training_data.h"

namespace genre::train {
namespace {

// Columns with very different levels and spreads: one near zero, one at 1e4
// with spread 1e-2 (float32 sums of squares lose it), one constant.
torch::Tensor awkward_rows(std::int64_t n) {
  std::mt19937_64 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  torch::Tensor x = torch::empty({n, 3}, torch::kFloat);
  auto a = x.accessor<float, 2>();
  for (std::int64_t i = 0; i < n; ++i) {
    a[i][0] = normal(rng);
    a[i][1] = 1.0e4f + 1.0e-2f * normal(rng);
    a[i][2] = 7.0f;
  }
  return x;
}

TEST(StandardizerFit, EqualsTheStatisticsOfTheWholeSplitInFloat64) {
  const torch::Tensor x = awkward_rows(20000);
  const Standardizer s = Standardizer::fit(x);
  const torch::Tensor d = x.to(torch::kDouble);
  const torch::Tensor mean = d.mean(0), sd = (d - mean).pow(2).mean(0).sqrt();
  ASSERT_EQ(s.mean.size(), 3u);
  for (int j = 0; j < 2; ++j) {
    EXPECT_NEAR(s.mean[j], mean[j].item<double>(), 1e-6 * std::max(1.0, std::abs(mean[j].item<double>())));
    EXPECT_NEAR(s.std[j], sd[j].item<double>(), 1e-5 * sd[j].item<double>()) << "column " << j;
  }
  EXPECT_FLOAT_EQ(s.mean[2], 7.0f);
  EXPECT_FLOAT_EQ(s.std[2], 1.0f);  // constant: left unscaled
}

TEST(StandardizerFit, AnyChunkingGivesTheSameStatistics) {
  const torch::Tensor x = awkward_rows(1000);
  StandardizerFit whole(3), pieces(3);
  whole.add(x.data_ptr<float>(), 1000);
  std::int64_t at = 0;
  for (std::int64_t size : {1, 7, 64, 300, 628}) {
    pieces.add(x.data_ptr<float>() + at * 3, size);
    at += size;
  }
  ASSERT_EQ(at, 1000);
  EXPECT_EQ(pieces.rows(), 1000);
  const Standardizer a = whole.finish(), b = pieces.finish();
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.std, b.std);
  // Slices [n, frames, dims] fit per entry of the last axis, as rows of dims.
  const Standardizer c = Standardizer::fit(x.reshape({10, 100, 3}));
  EXPECT_EQ(c.mean, a.mean);
  EXPECT_EQ(c.std, a.std);
}

TEST(StandardizerFit, NoRowsIsTheIdentityAndABadWidthIsAnError) {
  const Standardizer s = StandardizerFit(2).finish();
  EXPECT_EQ(s.mean, (std::vector<float>{0, 0}));
  EXPECT_EQ(s.std, (std::vector<float>{1, 1}));
  EXPECT_THROW(StandardizerFit(0), Error);
}

}  // namespace
}  // namespace genre::train
