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

std::pair<std::size_t, std::size_t> Istft::frames_reaching(std::size_t from, std::size_t to, std::size_t frames,
                                                           std::size_t length) const {
  // Output sample i is padded position p = i + n_fft/2; frame t covers padded
  // [t hop, t hop + n_fft). run() keeps only the frames that reach the output.
  const std::size_t reach = (length + n_fft_ + hop_ - 1) / hop_;
  const std::size_t n_frames = std::min(frames, reach);
  const std::size_t p_first = from + n_fft_ / 2, p_last = to - 1 + n_fft_ / 2;
  const std::size_t first = p_first + 1 >= n_fft_ ? (p_first + 1 - n_fft_ + hop_ - 1) / hop_ : 0;
  const std::size_t last = std::min(n_frames, p_last / hop_ + 1);
  return {std::min(first, last), last};
}

void Istft::run_part(const std::complex<float>* part, std::size_t first, std::size_t count, std::size_t frames,
                     std::size_t length, std::size_t from, std::size_t to, float* out) {
  if (from >= to) return;
  const auto [lo, hi] = frames_reaching(from, to, frames, length);
  if (lo < first || hi > first + count)
    throw Error("inverse STFT of samples " + std::to_string(from) + ".." + std::to_string(to) + " needs frames " +
                std::to_string(lo) + ".." + std::to_string(hi) + ", given " + std::to_string(first) + ".." +
                std::to_string(first + count));
  const std::size_t nb = bins();
  const std::size_t base = lo * hop_;  // padded position of accumulator_[0]
  accumulator_.assign(hi > lo ? n_fft_ + hop_ * (hi - lo - 1) : 0, 0.0f);
  for (std::size_t t = lo; t < hi; ++t) {
    const std::complex<float>* frame = part + (t - first) * nb;
    std::copy(frame, frame + nb, fft_.input());
    fft_.execute();
    window_add(window_.data(), fft_.output(), accumulator_.data() + (t - lo) * hop_, n_fft_);
  }
  const std::size_t n_frames = std::min(frames, (length + n_fft_ + hop_ - 1) / hop_);
  const float tiny = std::numeric_limits<float>::min();
  for (std::size_t i = from; i < to; ++i) {
    const std::size_t p = i + n_fft_ / 2;
    // window_sumsquare at p, summed in run()'s order (ascending frames).
    const std::size_t t0 = p + 1 >= n_fft_ ? (p + 1 - n_fft_ + hop_ - 1) / hop_ : 0;
    const std::size_t t1 = std::min(n_frames, p / hop_ + 1);
    double sum = 0.0;
    for (std::size_t t = t0; t < t1; ++t) sum += static_cast<double>(window_sq_[p - t * hop_]);
    const auto d = static_cast<float>(sum);
    const float a = p >= base && p - base < accumulator_.size() ? accumulator_[p - base] : 0.0f;
    out[i - from] = d > tiny ? a / d : a;
  }
}

}  // namespace genre::dsp
