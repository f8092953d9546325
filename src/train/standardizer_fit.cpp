#include "train/standardizer_fit.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace genre::train {

StandardizerFit::StandardizerFit(std::int64_t width)
    : width_(width),
      shift_(static_cast<std::size_t>(width)),
      sum_(static_cast<std::size_t>(width)),
      sum_sq_(static_cast<std::size_t>(width)) {
  if (width <= 0) throw Error("standardisation: rows of " + std::to_string(width) + " values");
}

void StandardizerFit::add(const float* rows, std::int64_t n) {
  if (n <= 0) return;
  const auto w = static_cast<std::size_t>(width_);
  if (n_ == 0)
    for (std::size_t j = 0; j < w; ++j) shift_[j] = rows[j];
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = rows + static_cast<std::size_t>(i) * w;
    for (std::size_t j = 0; j < w; ++j) {
      const double d = static_cast<double>(row[j]) - shift_[j];
      sum_[j] += d;
      sum_sq_[j] += d * d;
    }
  }
  n_ += n;
}

Standardizer StandardizerFit::finish() const {
  Standardizer s;
  const auto w = static_cast<std::size_t>(width_);
  s.mean.assign(w, 0.0f);
  s.std.assign(w, 1.0f);
  if (n_ == 0) return s;
  const auto n = static_cast<double>(n_);
  for (std::size_t j = 0; j < w; ++j) {
    const double mean_shifted = sum_[j] / n;
    const double var = std::max(0.0, sum_sq_[j] / n - mean_shifted * mean_shifted);
    const double sd = std::sqrt(var);
    s.mean[j] = static_cast<float>(shift_[j] + mean_shifted);
    s.std[j] = sd > 1e-8 ? static_cast<float>(sd) : 1.0f;
  }
  return s;
}

}  // namespace genre::train
