#include "dsp/tempo.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"
#include "dsp/simd.h"
#include "dsp/stft.h"

namespace genre::dsp {

namespace {

const TempoParams& validated(const TempoParams& p) {
  if (p.sample_rate < 1 || p.hop_length < 1 || !(p.start_bpm > 0) || !(p.std_bpm > 0) || !(p.ac_size > 0) ||
      !(p.max_tempo > 0))
    throw UsageError("tempo: sample rate, hop, start_bpm, std_bpm, ac_size and max_tempo must be positive");
  return p;
}

// librosa.time_to_frames(ac_size): int(ac_size * sr) samples, floor-divided by hop.
std::size_t window_frames(const TempoParams& p) {
  const auto samples = static_cast<long long>(p.ac_size * p.sample_rate);
  const long long frames = samples / p.hop_length;
  if (frames < 1) throw UsageError("tempo: ac_size is shorter than one hop");
  return static_cast<std::size_t>(frames);
}

// The smallest 2^a 3^b 5^c >= n: a size FFTW transforms fast.
std::size_t smooth_size(std::size_t n) {
  for (std::size_t m = std::max<std::size_t>(n, 2);; ++m) {
    std::size_t r = m;
    for (std::size_t f : {2, 3, 5})
      while (r % f == 0) r /= f;
    if (r == 1 && m % 2 == 0) return m;
  }
}

GENRE_DSP_HOT void accumulate_power(const std::complex<double>* x, std::size_t bins, double weight, double* sum) {
  const double* c = reinterpret_cast<const double*>(x);
  for (std::size_t k = 0; k < bins; ++k) sum[k] += weight * (c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1]);
}

}  // namespace

TempoEstimator::TempoEstimator(const TempoParams& params)
    : params_(validated(params)),
      window_(window_frames(params)),
      hann_(periodic_hann(window_)),
      // Linear (not circular) autocorrelation up to lag window - 1 needs
      // 2 window - 1 points.
      forward_(smooth_size(2 * window_ - 1)),
      inverse_(forward_.size()) {
  // librosa.tempo_frequencies and the log-normal prior; lags at or above
  // max_tempo are excluded (librosa: everything before the first bpm < max).
  bpm_.assign(window_, std::numeric_limits<double>::infinity());
  log_prior_.assign(window_, -std::numeric_limits<double>::infinity());
  const double per_minute = 60.0 * params_.sample_rate;
  bool allowed = false;
  for (std::size_t lag = 1; lag < window_; ++lag) {
    bpm_[lag] = per_minute / (static_cast<double>(params_.hop_length) * static_cast<double>(lag));
    allowed = allowed || bpm_[lag] < params_.max_tempo;
    if (!allowed) continue;
    const double z = (std::log2(bpm_[lag]) - std::log2(params_.start_bpm)) / params_.std_bpm;
    log_prior_[lag] = -0.5 * (z * z);
  }
  power_sum_.resize(forward_.bins());
  mean_.resize(window_);
}

double TempoEstimator::estimate(const float* env, std::size_t n) {
  if (n == 0) throw Error("tempo of an empty onset envelope");
  const std::size_t w = window_, half = w / 2;
  // numpy.pad(env, half, mode="linear_ramp", end_values=0): ramps computed in
  // float64 (i * edge / half), stored as float32 like the envelope.
  padded_.assign(n + 2 * half, 0.0f);
  std::copy(env, env + n, padded_.begin() + static_cast<std::ptrdiff_t>(half));
  for (std::size_t i = 0; i < half; ++i) {
    const double step_left = static_cast<double>(env[0]) / static_cast<double>(half);
    const double step_right = static_cast<double>(env[n - 1]) / static_cast<double>(half);
    padded_[i] = static_cast<float>(static_cast<double>(i) * step_left);
    padded_[n + 2 * half - 1 - i] = static_cast<float>(static_cast<double>(i) * step_right);
  }
  std::fill(power_sum_.begin(), power_sum_.end(), 0.0);
  double* in = forward_.input();
  std::fill(in, in + forward_.size(), 0.0);
  // Frame t covers padded[t, t + w) (librosa.util.frame, hop 1), the first n.
  for (std::size_t t = 0; t < n; ++t) {
    double energy = 0.0;
    for (std::size_t i = 0; i < w; ++i) {
      in[i] = static_cast<double>(padded_[t + i]) * hann_[i];
      energy += in[i] * in[i];
    }
    forward_.execute();
    // librosa.util.normalize(norm=inf) divides by the largest |autocorrelation|,
    // the energy at lag 0, unless it is below float64's tiny.
    const double weight = energy < std::numeric_limits<double>::min() ? 1.0 : 1.0 / energy;
    accumulate_power(forward_.output(), forward_.bins(), weight, power_sum_.data());
  }
  std::complex<double>* spectrum = inverse_.input();
  for (std::size_t k = 0; k < inverse_.bins(); ++k) spectrum[k] = power_sum_[k];
  inverse_.execute();
  const double scale = 1.0 / (static_cast<double>(inverse_.size()) * static_cast<double>(n));
  for (std::size_t lag = 0; lag < w; ++lag) mean_[lag] = inverse_.output()[lag] * scale;

  // numpy.argmax: the first maximum, but the first NaN if there is one (a
  // mean autocorrelation below -1e-6 makes log1p NaN, and librosa then
  // returns that lag's tempo; reproduced, not judged).
  std::size_t best = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  for (std::size_t lag = 0; lag < w; ++lag) {
    const double score = std::log1p(1e6 * mean_[lag]) + log_prior_[lag];
    if (std::isnan(score)) return bpm_[lag];
    if (score > best_score) best_score = score, best = lag;
  }
  return bpm_[best];
}

}  // namespace genre::dsp
