#include "dsp/stft.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.h"
#include "dsp/simd.h"

namespace genre::dsp {

namespace {

const StftParams& validated(const StftParams& p) {
  if (p.n_fft < 2 || p.n_fft % 2 != 0)
    throw UsageError("n_fft must be even and at least 2, got " + std::to_string(p.n_fft));
  if (p.hop_length < 1) throw UsageError("hop_length must be at least 1, got " + std::to_string(p.hop_length));
  return p;
}

// numpy 'reflect' index for n >= 2: the even periodic extension of x about
// samples 0 and n-1 (period 2(n-1)); numpy reaches the same by reflecting
// repeatedly when the pad is longer than the signal.
std::ptrdiff_t reflect_index(std::ptrdiff_t p, std::ptrdiff_t n) {
  const std::ptrdiff_t period = 2 * (n - 1);
  // The common case (pad shorter than the signal) needs one reflection.
  if (p < 0 && p > -n) return -p;
  if (p >= n && p < period) return period - p;
  std::ptrdiff_t q = p % period;
  if (q < 0) q += period;
  return q < n ? q : period - q;
}

GENRE_DSP_HOT void apply_window(const double* w, const float* x, double* out, std::ptrdiff_t n) {
  for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = w[i] * x[i];
}

}  // namespace

std::vector<double> periodic_hann(std::size_t n) {
  // scipy's general_cosine arithmetic: a symmetric window of n + 1 points,
  // 0.5 + 0.5 cos(linspace(-pi, pi, n + 1)), last point dropped.
  const double pi = std::acos(-1.0);
  const double step = 2.0 * pi / static_cast<double>(n);
  std::vector<double> w(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = 0.5 + 0.5 * std::cos(static_cast<double>(i) * step - pi);
  return w;
}

float padded_sample(const float* x, std::size_t n, std::ptrdiff_t p, PadMode mode) {
  const auto len = static_cast<std::ptrdiff_t>(n);
  if (p >= 0 && p < len) return x[p];
  if (mode == PadMode::Constant) return 0.0f;
  // numpy extends a single sample by repeating it ("legacy behaviour").
  if (len == 1) return x[0];
  return x[reflect_index(p, len)];
}

Stft::Stft(const StftParams& params)
    : params_(validated(params)),
      n_fft_(static_cast<std::size_t>(params.n_fft)),
      hop_(static_cast<std::size_t>(params.hop_length)),
      window_(periodic_hann(n_fft_)),
      fft_(n_fft_) {}

void Stft::fill_frame(const float* samples, std::size_t n, std::size_t t) {
  double* in = fft_.input();
  const double* w = window_.data();
  // Frame t covers padded positions [t*hop, t*hop + n_fft), i.e. signal
  // positions from start = t*hop - n_fft/2 on. Frame samples [lo, hi) lie
  // inside the signal; the rest (edge frames only) come from the padding.
  const auto len = static_cast<std::ptrdiff_t>(n_fft_);
  const auto size = static_cast<std::ptrdiff_t>(n);
  const auto start = static_cast<std::ptrdiff_t>(t * hop_) - len / 2;
  const std::ptrdiff_t lo = std::min(std::max<std::ptrdiff_t>(-start, 0), len);
  const std::ptrdiff_t hi = std::max(std::min(size - start, len), lo);
  apply_window(w + lo, samples + (start + lo), in + lo, hi - lo);
  if (lo == 0 && hi == len) return;
  const PadMode mode = params_.pad_mode;
  for (std::ptrdiff_t i = 0; i < lo; ++i) in[i] = w[i] * padded_sample(samples, n, start + i, mode);
  for (std::ptrdiff_t i = hi; i < len; ++i) in[i] = w[i] * padded_sample(samples, n, start + i, mode);
}

const std::complex<double>* Stft::frame(const float* samples, std::size_t n, std::size_t t) {
  if (n == 0) throw Error("STFT of an empty segment");
  if (t >= frames(n))
    throw Error("STFT frame " + std::to_string(t) + " out of range: a segment of " + std::to_string(n) +
                " samples has " + std::to_string(frames(n)) + " frames");
  fill_frame(samples, n, t);
  fft_.execute();
  return fft_.output();
}

void Stft::spectrogram(const float* samples, std::size_t n, std::complex<float>* out) {
  const std::size_t nf = frames(n), nb = bins();
  for (std::size_t t = 0; t < nf; ++t) {
    const std::complex<double>* x = frame(samples, n, t);
    std::complex<float>* row = out + t * nb;
    for (std::size_t k = 0; k < nb; ++k) row[k] = std::complex<float>(x[k]);
  }
}

void Stft::power(const float* samples, std::size_t n, float* out) {
  const std::size_t nf = frames(n), nb = bins();
  for (std::size_t t = 0; t < nf; ++t) power_spectrum(frame(samples, n, t), nb, out + t * nb);
}

GENRE_DSP_HOT void power_spectrum(const std::complex<double>* spectrum, std::size_t bins, float* out) {
  // Read as interleaved doubles: std::complex's operators would keep the
  // compiler from vectorising this loop.
  const double* c = reinterpret_cast<const double*>(spectrum);
  for (std::size_t k = 0; k < bins; ++k)
    out[k] = static_cast<float>(c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1]);
}

GENRE_DSP_HOT void magnitude_spectrum(const std::complex<double>* spectrum, std::size_t bins, float* out) {
  const double* c = reinterpret_cast<const double*>(spectrum);
  for (std::size_t k = 0; k < bins; ++k)
    out[k] = static_cast<float>(std::sqrt(c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1]));
}

}  // namespace genre::dsp
