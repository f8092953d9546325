#pragma once
// Standardisation statistics in one streaming pass (issue 11): rows are added
// chunk by chunk, as a reader hands them out, into float64 accumulators of
// one row's width, so fitting holds no copy of the training split (before
// this, Standardizer::fit converted the whole split to double and squared a
// copy: about 6x the training bytes at the start of every trial).
//
// The sums are shifted by the first row seen (per column), so a column whose
// values sit far from zero (table columns in the hundreds, log-mel levels)
// keeps its variance: sum((x-K)^2) - sum(x-K)^2/n loses nothing to
// cancellation when K is near the mean. Population deviation, as
// scikit-learn's StandardScaler; constant columns keep scale 1.
#include <cstdint>
#include <vector>

#include "train/training_data.h"

namespace genre::train {

class StandardizerFit {
 public:
  // Statistics per entry of the last axis: `width` values a row.
  explicit StandardizerFit(std::int64_t width);
  // `n` rows of `width` floats, contiguous.
  void add(const float* rows, std::int64_t n);
  std::int64_t rows() const { return n_; }
  std::int64_t width() const { return width_; }
  // Mean and deviation as float32; the identity's shape (mean 0, std 1) when
  // no row was added.
  Standardizer finish() const;

 private:
  std::int64_t width_ = 0, n_ = 0;
  std::vector<double> shift_, sum_, sum_sq_;
};

}  // namespace genre::train
