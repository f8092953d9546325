#include "dsp/hpss.h"

#include <algorithm>
#include <limits>
#include <string>

#include "common/error.h"
#include "dsp/median_filter.h"
#include "dsp/simd.h"

namespace genre::dsp {

namespace {

std::size_t checked_kernel(std::size_t k) {
  if (k % 2 == 0) throw UsageError("HPSS kernel size must be odd, got " + std::to_string(k));
  return k;
}

// librosa.util.softmask(H, P, power=2, split_zeros=True), float32 to the
// bit: librosa scales both by Z = max(H, P) first, so one of them becomes
// exactly 1 and the mask is 1 / (1 + r^2) or r^2 / (r^2 + 1), r = min / max.
GENRE_DSP_HOT void soft_mask(const float* h, const float* p, std::size_t n, float* mask) {
  const float tiny = std::numeric_limits<float>::min();
  for (std::size_t i = 0; i < n; ++i) {
    const bool harmonic_larger = h[i] >= p[i];
    const float z = harmonic_larger ? h[i] : p[i];
    const float small = harmonic_larger ? p[i] : h[i];
    const float r = small / (z < tiny ? 1.0f : z);
    const float r2 = r * r;
    const float m = (harmonic_larger ? 1.0f : r2) / (1.0f + r2);
    mask[i] = z < tiny ? 0.5f : m;
  }
}

}  // namespace

void transpose(const float* in, std::size_t rows, std::size_t cols, float* out) {
  // Tiles keep both sides' cache lines in use while they are loaded.
  constexpr std::size_t kTile = 32;
  for (std::size_t r0 = 0; r0 < rows; r0 += kTile)
    for (std::size_t c0 = 0; c0 < cols; c0 += kTile) {
      const std::size_t r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
      for (std::size_t r = r0; r < r1; ++r)
        for (std::size_t c = c0; c < c1; ++c) out[c * rows + r] = in[r * cols + c];
    }
}

Hpss::Hpss(const StftParams& params, std::size_t kernel) : kernel_(checked_kernel(kernel)), istft_(params) {}

void Hpss::harmonic_mask(const float* mag, std::size_t frames, std::size_t bins, float* mask) {
  const std::size_t n = frames * bins;
  harm_.resize(n);
  perc_.resize(n);
  // Harmonic: along time, i.e. down the columns of [frames][bins];
  // percussive: along frequency, along its rows.
  median_filter_columns(mag, frames, bins, kernel_, harm_.data());
  median_filter_rows(mag, frames, bins, kernel_, perc_.data());
  soft_mask(harm_.data(), perc_.data(), n, mask);
}

void Hpss::separate(const std::complex<float>* spec, const float* mag, std::size_t frames, const float* samples,
                    std::size_t n, float* harmonic, float* percussive) {
  const std::size_t bins = istft_.bins();
  mask_.resize(frames * bins);
  harmonic_mask(mag, frames, bins, mask_.data());
  masked_.resize(frames * bins);
  for (std::size_t i = 0; i < frames * bins; ++i) masked_[i] = spec[i] * mask_[i];
  istft_.run(masked_.data(), frames, n, harmonic);
  for (std::size_t i = 0; i < n; ++i) percussive[i] = samples[i] - harmonic[i];
}

std::pair<std::size_t, std::size_t> Hpss::context(std::size_t from, std::size_t to, std::size_t frames,
                                                  std::size_t n) const {
  const auto [lo, hi] = istft_.frames_reaching(from, to, frames, n);
  const std::size_t h = kernel_ / 2;
  return {lo > h ? lo - h : 0, std::min(frames, hi + h)};
}

void Hpss::harmonic_part(const std::complex<float>* spec, const float* mag, std::size_t first, std::size_t count,
                         std::size_t frames, std::size_t n, std::size_t from, std::size_t to, float* harmonic) {
  const auto [c0, c1] = context(from, to, frames, n);
  if (c0 < first || c1 > first + count)
    throw Error("HPSS of samples " + std::to_string(from) + ".." + std::to_string(to) + " needs frames " +
                std::to_string(c0) + ".." + std::to_string(c1) + ", given " + std::to_string(first) + ".." +
                std::to_string(first + count));
  const std::size_t bins = istft_.bins();
  // The medians over the given frames: wrong only within kernel/2 of an edge
  // of the part that is not the signal's, and those rows are not used.
  mask_.resize(count * bins);
  harmonic_mask(mag, count, bins, mask_.data());
  const auto [lo, hi] = istft_.frames_reaching(from, to, frames, n);
  masked_.resize((hi - lo) * bins);
  const std::size_t skip = (lo - first) * bins;
  for (std::size_t i = 0; i < (hi - lo) * bins; ++i) masked_[i] = spec[skip + i] * mask_[skip + i];
  istft_.run_part(masked_.data(), lo, hi - lo, frames, n, from, to, harmonic);
}

std::size_t Hpss::scratch_bytes() const {
  return (harm_.capacity() + perc_.capacity() + mask_.capacity()) * sizeof(float) +
         masked_.capacity() * sizeof(std::complex<float>) + istft_.scratch_bytes();
}

}  // namespace genre::dsp
