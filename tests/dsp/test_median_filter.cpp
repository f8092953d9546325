#include "dsp/median_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "common/error.h"
#include "dsp/hpss.h"

namespace genre::dsp {
namespace {

// scipy.ndimage.median_filter(x, size=(width, 1), mode="reflect"), the slow
// way: gather each window through the reflection and select its middle.
std::vector<float> brute_force(const std::vector<float>& x, std::size_t rows, std::size_t cols, std::size_t width) {
  std::vector<float> out(rows * cols), window(width);
  const auto h = static_cast<std::ptrdiff_t>(width / 2);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      for (std::ptrdiff_t i = -h; i <= h; ++i)
        window[static_cast<std::size_t>(i + h)] =
            x[reflect_symmetric(static_cast<std::ptrdiff_t>(r) + i, rows) * cols + c];
      std::nth_element(window.begin(), window.begin() + h, window.end());
      out[r * cols + c] = window[static_cast<std::size_t>(h)];
    }
  return out;
}

std::vector<float> random_values(std::size_t n, unsigned seed, int distinct) {
  std::mt19937 rng(seed);
  std::vector<float> x(n);
  if (distinct > 0) {
    // Few distinct values: ties everywhere, the hard case for a sorted window.
    std::uniform_int_distribution<int> d(0, distinct - 1);
    for (float& v : x) v = static_cast<float>(d(rng));
  } else {
    std::exponential_distribution<float> d(1.0f);
    for (float& v : x) v = d(rng);
  }
  return x;
}

TEST(MedianFilter, ReflectIndexIsScipysReflect) {
  // scipy 'reflect' on [a b c]: ... c b a | a b c | c b a | a b c ...
  const std::vector<std::size_t> expected{2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2};
  for (std::ptrdiff_t p = -3; p < 9; ++p) EXPECT_EQ(reflect_symmetric(p, 3), expected[static_cast<std::size_t>(p + 3)]) << p;
  EXPECT_EQ(reflect_symmetric(-5, 1), 0u);
  EXPECT_EQ(reflect_symmetric(7, 1), 0u);
}

TEST(MedianFilter, MatchesBruteForceAcrossShapesAndTies) {
  struct Case {
    std::size_t rows, cols, width;
    int distinct;
  };
  const std::vector<Case> cases{
      {130, 1025, 31, 0},  // a segment's spectrogram, along time
      {1025, 130, 31, 0},  // and along frequency
      {130, 37, 31, 3},    // heavy ties, a partial last block of lanes
      {10, 9, 31, 0},      // window longer than the signal: repeated reflection
      {1, 5, 31, 0},       // a single row
      {50, 8, 1, 0},       // width 1 is the identity
      {64, 17, 3, 2},
  };
  unsigned seed = 1;
  for (const Case& c : cases) {
    const std::vector<float> x = random_values(c.rows * c.cols, seed++, c.distinct);
    std::vector<float> out(x.size());
    median_filter_columns(x.data(), c.rows, c.cols, c.width, out.data());
    const std::vector<float> expected = brute_force(x, c.rows, c.cols, c.width);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < x.size(); ++i) mismatches += out[i] != expected[i];
    EXPECT_EQ(mismatches, 0u) << c.rows << "x" << c.cols << " width " << c.width;
    // Along the rows: the same as along the columns of the transpose.
    std::vector<float> xt(x.size()), by_rows(x.size()), expected_t(x.size());
    transpose(x.data(), c.rows, c.cols, xt.data());
    median_filter_rows(xt.data(), c.cols, c.rows, c.width, by_rows.data());
    transpose(expected.data(), c.rows, c.cols, expected_t.data());
    mismatches = 0;
    for (std::size_t i = 0; i < x.size(); ++i) mismatches += by_rows[i] != expected_t[i];
    EXPECT_EQ(mismatches, 0u) << "rows: " << c.cols << "x" << c.rows << " width " << c.width;
  }
}

TEST(MedianFilter, RejectsEvenWidth) {
  std::vector<float> x(16), out(16);
  EXPECT_THROW(median_filter_columns(x.data(), 4, 4, 4, out.data()), UsageError);
  EXPECT_THROW(median_filter_rows(x.data(), 4, 4, 4, out.data()), UsageError);
}

TEST(Transpose, SwapsAxes) {
  const std::size_t rows = 45, cols = 70;
  const std::vector<float> x = random_values(rows * cols, 9, 0);
  std::vector<float> t(x.size());
  transpose(x.data(), rows, cols, t.data());
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) ASSERT_EQ(t[c * rows + r], x[r * cols + c]);
}

}  // namespace
}  // namespace genre::dsp
