#pragma once
// Helpers of the dsp tests: reference signals as float32, and comparisons that
// report the worst element instead of failing once per element.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace genre::dsp::test {

// A reference CSV (relative to the librosa reference folder) as float32 values.
inline std::vector<float> reference_floats(const std::string& relative) {
  const genre::test::Matrix m = genre::test::read_csv(genre::test::reference(relative));
  return std::vector<float>(m.values.begin(), m.values.end());
}

inline genre::test::Matrix reference_matrix(const std::string& relative) {
  return genre::test::read_csv(genre::test::reference(relative));
}

// |actual - expected| <= tol for every element.
inline void expect_all_near(const std::vector<float>& actual, const genre::test::Matrix& expected, double tol,
                            const std::string& what) {
  ASSERT_EQ(actual.size(), expected.values.size()) << what;
  double worst = 0.0;
  std::size_t at = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double err = std::fabs(actual[i] - expected.values[i]);
    if (!(err <= worst)) worst = err, at = i;  // also catches NaN
  }
  EXPECT_LE(worst, tol) << what << ": worst at row " << at / expected.cols << ", column " << at % expected.cols
                        << ": got " << actual[at] << ", expected " << expected.values[at];
}

// The reference README's rule for spectrograms: per element, relative error
// <= rel for the elements above floor * (the array's maximum). Also checks the
// elements below the floor stay below twice the floor, so a spurious peak where
// the reference is quiet cannot pass.
inline void expect_relative_above_floor(const std::vector<float>& actual, const genre::test::Matrix& expected,
                                        double rel, double floor, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.values.size()) << what;
  double peak = 0.0;
  for (double v : expected.values) peak = std::max(peak, std::fabs(v));
  const double threshold = floor * peak;
  double worst = 0.0;
  std::size_t at = 0, compared = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double e = expected.values[i];
    double err;
    if (std::fabs(e) > threshold) {
      err = std::fabs(actual[i] - e) / std::fabs(e);
      ++compared;
    } else {
      err = std::fabs(actual[i]) > 2.0 * threshold ? 1.0 : 0.0;
    }
    if (!(err <= worst)) worst = err, at = i;
  }
  EXPECT_GT(compared, 0u) << what;
  EXPECT_LE(worst, rel) << what << ": worst at row " << at / expected.cols << ", column " << at % expected.cols
                        << ": got " << actual[at] << ", expected " << expected.values[at];
}

}  // namespace genre::dsp::test
