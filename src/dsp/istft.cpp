#include "dsp/istft.h"

#include <algorithm>
#include <limits>
#include <string>

#include "common/error.h"
#include "dsp/simd.h"
#include "dsp/stft.h"

namespace genre::dsp {

namespace {

std::size_t checked_n_fft(const StftParams& p) {
  if (p.n_fft < 2 || p.n_fft % 2 != 0)
    throw UsageError("n_fft must be even and at least 2, got " + std::to_string(p.n_fft));
  if (p.hop_length < 1) throw UsageError("hop_length must be at least 1, got " + std::to_string(p.hop_length));
  return static_cast<std::size_t>(p.n_fft);
}

GENRE_DSP_HOT void window_add(const float* w, const float* frame, float* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] += w[i] * frame[i];
}

}  // namespace

Istft::Istft(const StftParams& params)
    : n_fft_(checked_n_fft(params)), hop_(static_cast<std::size_t>(params.hop_length)), fft_(n_fft_) {
  const std::vector<double> w = periodic_hann(n_fft_);
  window_.resize(n_fft_);
  window_sq_.resize(n_fft_);
  for (std::size_t i = 0; i < n_fft_; ++i) {
    window_[i] = static_cast<float>(w[i] / static_cast<double>(n_fft_));
    window_sq_[i] = static_cast<float>(w[i] * w[i]);
  }
}

const std::vector<float>& Istft::window_sumsquare(std::size_t frames) {
  auto it = wss_.find(frames);
  if (it != wss_.end()) return it->second;
  // A few frame counts recur (segments, whole tracks); keep a handful.
  if (wss_.size() >= 8) wss_.clear();
  std::vector<double> sum(n_fft_ + hop_ * (frames - 1), 0.0);
  for (std::size_t t = 0; t < frames; ++t)
    for (std::size_t i = 0; i < n_fft_; ++i) sum[t * hop_ + i] += static_cast<double>(window_sq_[i]);
  return wss_.emplace(frames, std::vector<float>(sum.begin(), sum.end())).first->second;
}

void Istft::run(const std::complex<float>* spec, std::size_t frames, std::size_t length, float* out) {
  if (frames == 0 || length == 0) {
    std::fill(out, out + length, 0.0f);
    return;
  }
  // librosa trims the frames to those that can reach the output.
  const std::size_t reach = (length + n_fft_ + hop_ - 1) / hop_;
  const std::size_t n_frames = std::min(frames, reach);
  const std::size_t total = n_fft_ + hop_ * (n_frames - 1);
  accumulator_.assign(total, 0.0f);
  const std::size_t nb = bins();
  for (std::size_t t = 0; t < n_frames; ++t) {
    std::copy(spec + t * nb, spec + (t + 1) * nb, fft_.input());
    fft_.execute();
    window_add(window_.data(), fft_.output(), accumulator_.data() + t * hop_, n_fft_);
  }
  const std::vector<float>& wss = window_sumsquare(n_frames);
  const float tiny = std::numeric_limits<float>::min();
  const std::size_t start = n_fft_ / 2;
  const std::size_t available = total > start ? std::min(total - start, length) : 0;
  for (std::size_t i = 0; i < available; ++i) {
    const float a = accumulator_[start + i];
    const float d = wss[start + i];
    out[i] = d > tiny ? a / d : a;
  }
  std::fill(out + available, out + length, 0.0f);
}

}  // namespace genre::dsp
