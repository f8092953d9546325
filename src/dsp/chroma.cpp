#include "dsp/chroma.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"
#include "dsp/mel.h"
#include "dsp/simd.h"

namespace genre::dsp {

namespace {

constexpr double kPipFmin = 150.0;
constexpr double kPipFmax = 4000.0;
constexpr float kPipThreshold = 0.1f;
constexpr int kHistogramBins = 100;  // ceil(1 / resolution 0.01)

// numpy.linspace(-0.5, 0.5, 101)[i], the histogram's edges, bit for bit.
double histogram_edge(int i) { return i == kHistogramBins ? 0.5 : static_cast<double>(i) * 0.01 + -0.5; }

// librosa.util.localmax along frequency with 'edge' padding: x[k] > x[k-1]
// and x[k] >= x[k+1].
inline bool local_max(const float* x, std::size_t k, std::size_t n) {
  const float left = x[k == 0 ? 0 : k - 1];
  const float right = x[k + 1 == n ? k : k + 1];
  return x[k] > left && x[k] >= right;
}

GENRE_DSP_HOT float frame_max(const float* s, std::size_t n) {
  float peak = s[0];
#pragma omp simd reduction(max : peak)
  for (std::size_t k = 0; k < n; ++k) peak = s[k] > peak ? s[k] : peak;
  return peak;
}

// The piptrack peaks of one frame: appends (pitch, magnitude) pairs, in float32
// as librosa computes them.
void frame_peaks(const float* s, std::size_t nb, std::size_t k_lo, std::size_t k_hi, int sample_rate, int n_fft,
                 std::vector<float>& thresholded, std::vector<float>& pitches, std::vector<float>& mags) {
  const float peak = frame_max(s, nb);
  const float ref = kPipThreshold * peak;
  // S * (S > ref), over the bins the local-maximum test looks at.
  const std::size_t lo = k_lo == 0 ? 0 : k_lo - 1, hi = std::min(nb, k_hi + 1);
  for (std::size_t k = lo; k < hi; ++k) thresholded[k] = s[k] > ref ? s[k] : 0.0f;
  const float tiny = std::numeric_limits<float>::min();
  for (std::size_t k = k_lo; k < k_hi; ++k) {
    if (!local_max(thresholded.data(), k, nb)) continue;
    // Parabolic interpolation; librosa pads avg and shift with zeros at the
    // first and last bin.
    float avg = 0.0f, shift = 0.0f;
    if (k > 0 && k + 1 < nb) {
      avg = 0.5f * (s[k + 1] - s[k - 1]);
      const float curve = 2.0f * s[k] - s[k + 1] - s[k - 1];
      shift = avg / (curve + (std::fabs(curve) < tiny ? 1.0f : 0.0f));
    }
    const float dskew = 0.5f * avg * shift;
    pitches.push_back(static_cast<float>((static_cast<double>(k) + static_cast<double>(shift)) *
                                         static_cast<double>(sample_rate) / static_cast<double>(n_fft)));
    mags.push_back(s[k] + dskew);
  }
}

}  // namespace

std::vector<float> chroma_filterbank(int sample_rate, int n_fft, double tuning, int n_chroma) {
  if (sample_rate < 1 || n_fft < 2 || n_fft % 2 != 0 || n_chroma < 1)
    throw UsageError("chroma filter bank: need sample_rate >= 1, even n_fft >= 2, n_chroma >= 1");
  const auto n = static_cast<std::size_t>(n_fft);
  const auto nc = static_cast<std::size_t>(n_chroma);
  const double step = static_cast<double>(sample_rate) / static_cast<double>(n_fft);
  const double a440 = 440.0 * std::pow(2.0, tuning / static_cast<double>(n_chroma));
  // frqbins: bins 1 .. n-1 in chroma units, bin 0 made up 1.5 octaves below bin 1.
  std::vector<double> frq(n), width(n);
  for (std::size_t i = 1; i < n; ++i)
    frq[i] = static_cast<double>(n_chroma) * std::log2(static_cast<double>(i) * step / (a440 / 16.0));
  frq[0] = frq[1] - 1.5 * static_cast<double>(n_chroma);
  for (std::size_t i = 0; i + 1 < n; ++i) width[i] = std::max(frq[i + 1] - frq[i], 1.0);
  width[n - 1] = 1.0;
  const double half = std::round(static_cast<double>(n_chroma) / 2.0);
  std::vector<double> w(nc * n);
  for (std::size_t c = 0; c < nc; ++c)
    for (std::size_t i = 0; i < n; ++i) {
      double d = frq[i] - static_cast<double>(c);
      d = std::fmod(d + half + 10.0 * static_cast<double>(n_chroma), static_cast<double>(n_chroma)) - half;
      const double x = 2.0 * d / width[i];
      w[c * n + i] = std::exp(-0.5 * (x * x));
    }
  const std::size_t nb = n / 2 + 1;
  std::vector<float> out(nc * nb);
  for (std::size_t i = 0; i < nb; ++i) {
    double norm = 0.0;
    for (std::size_t c = 0; c < nc; ++c) norm += w[c * n + i] * w[c * n + i];
    norm = std::sqrt(norm);
    if (norm < std::numeric_limits<double>::min()) norm = 1.0;
    const double octave = (frq[i] / static_cast<double>(n_chroma) - 5.0) / 2.0;
    const double scale = std::exp(-0.5 * (octave * octave));
    // base_c: roll by -3 so that row 0 is C (A is bin 0 of the raw bank).
    for (std::size_t c = 0; c < nc; ++c) {
      const std::size_t from = (c + 3 * (nc / 12)) % nc;
      out[c * nb + i] = static_cast<float>(w[from * n + i] / norm * scale);
    }
  }
  return out;
}

Tuning estimate_tuning(const float* power, std::size_t frames, int sample_rate, int n_fft) {
  TuningEstimator estimator(sample_rate, n_fft);
  estimator.add(power, frames);
  return estimator.result();
}

TuningEstimator::TuningEstimator(int sample_rate, int n_fft)
    : sample_rate_(sample_rate), n_fft_(n_fft), bins_(static_cast<std::size_t>(n_fft) / 2 + 1) {
  const std::vector<double> freq = fft_frequencies(sample_rate, n_fft);
  const double fmax = std::min(kPipFmax, static_cast<double>(sample_rate) / 2.0);
  while (k_lo_ < bins_ && !(freq[k_lo_] >= kPipFmin)) ++k_lo_;
  k_hi_ = k_lo_;
  while (k_hi_ < bins_ && freq[k_hi_] < fmax) ++k_hi_;
  thresholded_.assign(bins_, 0.0f);
}

void TuningEstimator::add(const float* power, std::size_t frames) {
  for (std::size_t t = 0; t < frames; ++t)
    frame_peaks(power + t * bins_, bins_, k_lo_, k_hi_, sample_rate_, n_fft_, thresholded_, pitches_, mags_);
}

Tuning TuningEstimator::result() const {
  const std::vector<float>& pitches = pitches_;
  const std::vector<float>& mags = mags_;
  // Median magnitude of the pitched peaks (numpy: mean of the two middle
  // values, in float32, for an even count).
  std::vector<float> pitched;
  for (std::size_t i = 0; i < pitches.size(); ++i)
    if (pitches[i] > 0.0f) pitched.push_back(mags[i]);
  float threshold = 0.0f;
  if (!pitched.empty()) {
    const std::size_t m = pitched.size() / 2;
    std::nth_element(pitched.begin(), pitched.begin() + static_cast<std::ptrdiff_t>(m), pitched.end());
    threshold = pitched[m];
    if (pitched.size() % 2 == 0) {
      const float below = *std::max_element(pitched.begin(), pitched.begin() + static_cast<std::ptrdiff_t>(m));
      threshold = (below + threshold) / 2.0f;
    }
  }

  // librosa.pitch_tuning: residual of 12 log2(f / 27.5) (float32), folded to
  // [-0.5, 0.5), histogrammed on numpy.linspace(-0.5, 0.5, 101).
  std::vector<int> counts(kHistogramBins, 0);
  bool any = false;
  for (std::size_t i = 0; i < pitches.size(); ++i) {
    const float f = pitches[i];
    if (!(f > 0.0f) || !(mags[i] >= threshold)) continue;
    float residual = std::fmod(12.0f * std::log2(f / 27.5f), 1.0f);
    if (residual >= 0.5f) residual -= 1.0f;
    const double r = residual;
    int b = static_cast<int>(std::floor((r + 0.5) / 0.01));
    b = std::clamp(b, 0, kHistogramBins - 1);
    while (b > 0 && r < histogram_edge(b)) --b;
    while (b + 1 < kHistogramBins && r >= histogram_edge(b + 1)) ++b;
    if (r < histogram_edge(0) || r > histogram_edge(kHistogramBins)) continue;
    ++counts[static_cast<std::size_t>(b)];
    any = true;
  }
  if (!any) return Tuning{0.0, kHistogramBins / 2};
  const auto best = static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  return Tuning{histogram_edge(best), best};
}

Chroma::Chroma(int sample_rate, int n_fft, int n_chroma)
    : sample_rate_(sample_rate),
      n_fft_(n_fft),
      n_chroma_(static_cast<std::size_t>(n_chroma)),
      bins_(static_cast<std::size_t>(n_fft) / 2 + 1) {
  chroma_filterbank(sample_rate, n_fft, 0.0, n_chroma);  // validates the parameters now
}

const std::vector<float>& Chroma::filterbank(const Tuning& tuning) {
  auto it = banks_.find(tuning.bin);
  if (it == banks_.end())
    it = banks_
             .emplace(tuning.bin,
                      chroma_filterbank(sample_rate_, n_fft_, tuning.value, static_cast<int>(n_chroma_)))
             .first;
  return it->second;
}

Tuning Chroma::compute(const float* power, std::size_t frames, float* out) {
  const Tuning tuning = estimate_tuning(power, frames, sample_rate_, n_fft_);
  compute(power, frames, tuning, out);
  return tuning;
}

namespace {
GENRE_DSP_HOT float dot(const float* a, const float* b, std::size_t n) {
  float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
  for (std::size_t i = 0; i < n; ++i) acc += a[i] * b[i];
  return acc;
}
}  // namespace

void Chroma::compute(const float* power, std::size_t frames, const Tuning& tuning, float* out) {
  const std::vector<float>& bank = filterbank(tuning);
  const float tiny = std::numeric_limits<float>::min();
  for (std::size_t t = 0; t < frames; ++t) {
    const float* s = power + t * bins_;
    float* row = out + t * n_chroma_;
    float peak = 0.0f;
    for (std::size_t c = 0; c < n_chroma_; ++c) {
      row[c] = dot(bank.data() + c * bins_, s, bins_);
      peak = std::fabs(row[c]) > peak ? std::fabs(row[c]) : peak;
    }
    // librosa.util.normalize(norm=inf): frames whose peak is below float32's
    // tiny stay as they are.
    if (peak >= tiny)
      for (std::size_t c = 0; c < n_chroma_; ++c) row[c] /= peak;
  }
}

}  // namespace genre::dsp
