#pragma once
// Orthonormal DCT-II, the transform librosa.feature.mfcc applies to the log-mel
// spectrogram: scipy.fftpack.dct(x, type=2, norm="ortho"), first n_out of n_in
// coefficients, as a precomputed [n_out][n_in] matrix (built in double).
#include <cstddef>
#include <vector>

namespace genre::dsp {

class Dct {
 public:
  // Throws genre::UsageError unless 1 <= n_out <= n_in.
  Dct(std::size_t n_in, std::size_t n_out);

  std::size_t n_in() const { return n_in_; }
  std::size_t n_out() const { return n_out_; }
  // Row k of the matrix: y[k] = sum_i row(k)[i] * x[i].
  const float* row(std::size_t k) const { return matrix_.data() + k * n_in_; }

  // rows inputs of n_in values each -> rows outputs of n_out values each.
  void apply(const float* in, std::size_t rows, float* out) const;

 private:
  std::size_t n_in_;
  std::size_t n_out_;
  std::vector<float> matrix_;
};

}  // namespace genre::dsp
