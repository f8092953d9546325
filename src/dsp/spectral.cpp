#include "dsp/spectral.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "common/error.h"
#include "dsp/mel.h"
#include "dsp/simd.h"
#include "dsp/stft.h"

namespace genre::dsp {

namespace {

GENRE_DSP_HOT double sum_squares(const float* x, std::size_t n) {
  double acc = 0.0;
#pragma omp simd reduction(+ : acc)
  for (std::size_t i = 0; i < n; ++i) acc += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  return acc;
}

}  // namespace

SpectralShapeAnalyzer::SpectralShapeAnalyzer(int sample_rate, int n_fft, double roll_percent)
    : freq_(fft_frequencies(sample_rate, n_fft)),
      roll_percent_(static_cast<float>(roll_percent)),
      cumsum_(freq_.size()) {
  if (!(roll_percent > 0.0 && roll_percent < 1.0))
    throw UsageError("roll_percent must lie in (0, 1), got " + std::to_string(roll_percent));
}

GENRE_DSP_HOT SpectralShape SpectralShapeAnalyzer::analyze(const float* s) {
  const std::size_t nb = freq_.size();
  const double* f = freq_.data();
  double total = 0.0, weighted = 0.0;
#pragma omp simd reduction(+ : total, weighted)
  for (std::size_t k = 0; k < nb; ++k) {
    total += s[k];
    weighted += f[k] * s[k];
  }
  // librosa.util.normalize(norm=1) leaves a column whose sum is below
  // float32's tiny as it is (divides by 1).
  const double norm = total < static_cast<double>(std::numeric_limits<float>::min()) ? 1.0 : total;
  SpectralShape out;
  out.centroid = weighted / norm;
  double spread = 0.0;
  const double c = out.centroid;
#pragma omp simd reduction(+ : spread)
  for (std::size_t k = 0; k < nb; ++k) spread += s[k] * (f[k] - c) * (f[k] - c);
  out.bandwidth = std::sqrt(spread / norm);
  // Rolloff as numpy computes it: a float32 running sum (np.cumsum, one add
  // after another) against float32(0.85) times its final value; the first
  // bin reaching it (the sum never decreases: a binary search).
  float running = 0.0f;
  for (std::size_t k = 0; k < nb; ++k) {
    running += s[k];
    cumsum_[k] = running;
  }
  const float threshold = roll_percent_ * running;
  std::size_t k = static_cast<std::size_t>(std::lower_bound(cumsum_.begin(), cumsum_.end(), threshold) - cumsum_.begin());
  if (k >= nb) k = nb - 1;
  out.rolloff = f[k];
  return out;
}

void zero_crossing_rate(const float* y, std::size_t n, std::size_t frame_length, std::size_t hop, double* out) {
  if (n == 0) throw Error("zero-crossing rate of an empty signal");
  const std::size_t frames = 1 + n / hop;
  // signbit after zeroing |y| <= 1e-10 (numpy compares in float32). The edge
  // padding repeats the end samples, so it adds no crossing: only the
  // signal's own neighbours can cross.
  const float threshold = 1e-10f;
  std::vector<std::uint8_t> negative(n);
  for (std::size_t i = 0; i < n; ++i) negative[i] = (std::fabs(y[i]) > threshold && std::signbit(y[i])) ? 1 : 0;
  // prefix[i] = crossings between signal positions j - 1 and j for j < i.
  std::vector<std::uint32_t> prefix(n + 1);
  prefix[0] = prefix[1] = 0;
  for (std::size_t i = 1; i < n; ++i) prefix[i + 1] = prefix[i] + (negative[i] != negative[i - 1] ? 1u : 0u);
  const auto half = static_cast<std::ptrdiff_t>(frame_length / 2);
  const auto len = static_cast<std::ptrdiff_t>(n);
  for (std::size_t t = 0; t < frames; ++t) {
    // Frame t holds signal positions [s0, s0 + frame_length); a crossing
    // counts at every position but the frame's first.
    const std::ptrdiff_t s0 = static_cast<std::ptrdiff_t>(t * hop) - half;
    const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(s0 + 1, 1);
    const std::ptrdiff_t hi = std::min<std::ptrdiff_t>(s0 + static_cast<std::ptrdiff_t>(frame_length) - 1, len - 1);
    const std::uint32_t count =
        hi >= lo ? prefix[static_cast<std::size_t>(hi) + 1] - prefix[static_cast<std::size_t>(lo)] : 0u;
    out[t] = static_cast<double>(count) / static_cast<double>(frame_length);
  }
}

void rms(const float* y, std::size_t n, std::size_t frame_length, std::size_t hop, PadMode pad, float* out) {
  if (n == 0) throw Error("RMS of an empty signal");
  const std::size_t frames = 1 + n / hop;
  const auto half = static_cast<std::ptrdiff_t>(frame_length / 2);
  const auto len = static_cast<std::ptrdiff_t>(n);
  const auto width = static_cast<std::ptrdiff_t>(frame_length);
  for (std::size_t t = 0; t < frames; ++t) {
    const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(t * hop) - half;
    const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(start, 0);
    const std::ptrdiff_t hi = std::min(start + width, len);
    double acc = hi > lo ? sum_squares(y + lo, static_cast<std::size_t>(hi - lo)) : 0.0;
    if (pad == PadMode::Reflect) {
      for (std::ptrdiff_t p = start; p < std::min(lo, start + width); ++p) {
        const double v = padded_sample(y, n, p, pad);
        acc += v * v;
      }
      for (std::ptrdiff_t p = std::max(hi, start); p < start + width; ++p) {
        const double v = padded_sample(y, n, p, pad);
        acc += v * v;
      }
    }
    out[t] = static_cast<float>(std::sqrt(acc / static_cast<double>(frame_length)));
  }
}

}  // namespace genre::dsp
