#include "dsp/dct.h"

#include <cmath>
#include <string>

#include "common/error.h"
#include "dsp/simd.h"

namespace genre::dsp {

Dct::Dct(std::size_t n_in, std::size_t n_out) : n_in_(n_in), n_out_(n_out), matrix_(n_in * n_out) {
  if (n_out < 1 || n_out > n_in)
    throw UsageError("DCT: need 1 <= coefficients <= inputs, got " + std::to_string(n_out) + " of " +
                     std::to_string(n_in));
  const double pi = std::acos(-1.0);
  const double n = static_cast<double>(n_in);
  // scipy's unnormalised DCT-II is 2 sum x_i cos(pi k (2i+1) / 2N); "ortho"
  // scales it by sqrt(1/4N) for k = 0 and sqrt(1/2N) otherwise.
  for (std::size_t k = 0; k < n_out; ++k) {
    const double scale = k == 0 ? std::sqrt(1.0 / n) : std::sqrt(2.0 / n);
    for (std::size_t i = 0; i < n_in; ++i)
      matrix_[k * n_in + i] = static_cast<float>(
          scale * std::cos(pi * static_cast<double>(k) * (2.0 * static_cast<double>(i) + 1.0) / (2.0 * n)));
  }
}

GENRE_DSP_HOT void Dct::apply(const float* in, std::size_t rows, float* out) const {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* x = in + r * n_in_;
    for (std::size_t k = 0; k < n_out_; ++k) {
      const float* c = matrix_.data() + k * n_in_;
      float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
      for (std::size_t i = 0; i < n_in_; ++i) acc += c[i] * x[i];
      out[r * n_out_ + k] = acc;
    }
  }
}

}  // namespace genre::dsp
