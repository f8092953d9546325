#include "dsp/mel.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.h"
#include "dsp/simd.h"

namespace genre::dsp {

namespace {

// Slaney's constants, as librosa spells them.
constexpr double kFSp = 200.0 / 3;        // Hz per mel in the linear part
constexpr double kMinLogHz = 1000.0;      // start of the log part
constexpr double kMinLogMel = kMinLogHz / kFSp;
double log_step() { return std::log(6.4) / 27.0; }

}  // namespace

double hz_to_mel(double hz) {
  if (hz >= kMinLogHz) return kMinLogMel + std::log(hz / kMinLogHz) / log_step();
  return hz / kFSp;
}

double mel_to_hz(double mel) {
  if (mel >= kMinLogMel) return kMinLogHz * std::exp(log_step() * (mel - kMinLogMel));
  return kFSp * mel;
}

std::vector<double> mel_frequencies(std::size_t n, double fmin, double fmax) {
  const double lo = hz_to_mel(fmin), hi = hz_to_mel(fmax);
  std::vector<double> f(n);
  // numpy.linspace: start + i * step, with the last point set to stop exactly.
  const double step = n > 1 ? (hi - lo) / static_cast<double>(n - 1) : 0.0;
  for (std::size_t i = 0; i < n; ++i) f[i] = mel_to_hz(static_cast<double>(i) * step + lo);
  if (n > 1) f[n - 1] = mel_to_hz(hi);
  return f;
}

std::vector<double> fft_frequencies(int sample_rate, int n_fft) {
  // numpy.fft.rfftfreq(n, d=1/sr): k * (1 / (n * d)).
  const double d = 1.0 / sample_rate;
  const double val = 1.0 / (n_fft * d);
  std::vector<double> f(static_cast<std::size_t>(n_fft / 2 + 1));
  for (std::size_t k = 0; k < f.size(); ++k) f[k] = static_cast<double>(k) * val;
  return f;
}

MelFilterbank::MelFilterbank(int sample_rate, int n_fft, int n_mels) {
  if (sample_rate <= 0) throw UsageError("sample rate must be positive, got " + std::to_string(sample_rate));
  if (n_fft < 2 || n_fft % 2 != 0) throw UsageError("n_fft must be even and at least 2, got " + std::to_string(n_fft));
  if (n_mels < 1) throw UsageError("n_mels must be at least 1, got " + std::to_string(n_mels));
  if (n_fft < static_cast<int>(2 * kLanes))
    throw UsageError("mel filterbank: n_fft must be at least " + std::to_string(2 * kLanes) + ", got " +
                     std::to_string(n_fft));

  const std::vector<double> fft_f = fft_frequencies(sample_rate, n_fft);
  const auto nm = static_cast<std::size_t>(n_mels);
  const std::vector<double> mel_f = mel_frequencies(nm + 2, 0.0, sample_rate / 2.0);
  bins_ = fft_f.size();
  first_.resize(nm);
  offset_.assign(nm + 1, 0);

  std::vector<float> row(bins_);
  for (std::size_t m = 0; m < nm; ++m) {
    const double fdiff_lo = mel_f[m + 1] - mel_f[m], fdiff_hi = mel_f[m + 2] - mel_f[m + 1];
    const double enorm = 2.0 / (mel_f[m + 2] - mel_f[m]);
    std::size_t first = 0, last = 0;
    bool any = false;
    for (std::size_t k = 0; k < bins_; ++k) {
      const double lower = -(mel_f[m] - fft_f[k]) / fdiff_lo;
      const double upper = (mel_f[m + 2] - fft_f[k]) / fdiff_hi;
      // librosa 0.9 stores the triangle into a float32 array, then scales it by
      // enorm (in double, stored back as float32): two roundings, kept here so
      // the weights are bit-identical to librosa's.
      const auto tri = static_cast<float>(std::max(0.0, std::min(lower, upper)));
      row[k] = static_cast<float>(static_cast<double>(tri) * enorm);
      if (row[k] != 0.0f) {
        if (!any) first = k;
        any = true;
        last = k;
      }
    }
    // Widen the run to whole vector steps, to the right where the spectrum
    // allows, else to the left. An empty filter (too many bands for the FFT
    // size; librosa only warns) gets an empty run: its output is 0.
    std::size_t width = any ? last - first + 1 : 0;
    width = (width + kLanes - 1) / kLanes * kLanes;
    if (width > bins_)
      throw UsageError("mel filterbank: filter " + std::to_string(m) + " spans the whole spectrum (n_fft " +
                       std::to_string(n_fft) + " too small for " + std::to_string(n_mels) + " bands)");
    first = std::min(first, bins_ - width);
    first_[m] = first;
    weights_.insert(weights_.end(), row.begin() + static_cast<std::ptrdiff_t>(first),
                    row.begin() + static_cast<std::ptrdiff_t>(first + width));
    offset_[m + 1] = offset_[m] + width;
  }
}

GENRE_DSP_HOT void MelFilterbank::apply(const float* spectrum, float* out) const {
  const std::size_t nm = n_mels();
  for (std::size_t m = 0; m < nm; ++m) {
    const float* w = weights_.data() + offset_[m];
    const float* s = spectrum + first_[m];
    const std::size_t width = offset_[m + 1] - offset_[m];
    // kLanes independent partial sums, one vector register: no loop-carried
    // reduction across lanes, so the compiler vectorises without reassociating
    // anything itself. librosa's BLAS product sums in its own order too; the
    // difference is float rounding.
    static_assert(kLanes == 8, "the final sum below adds 8 lanes");
    float acc[kLanes] = {};
    for (std::size_t j = 0; j < width; j += kLanes)
      for (std::size_t l = 0; l < kLanes; ++l) acc[l] += w[j + l] * s[j + l];
    out[m] = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  }
}

std::vector<float> MelFilterbank::dense() const {
  std::vector<float> d(n_mels() * bins_, 0.0f);
  for (std::size_t m = 0; m < n_mels(); ++m)
    std::copy(weights(m), weights(m) + width(m), d.begin() + static_cast<std::ptrdiff_t>(m * bins_ + first_[m]));
  return d;
}

}  // namespace genre::dsp
