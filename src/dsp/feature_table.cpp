#include "dsp/feature_table.h"

#include <time.h>

#include <algorithm>
#include <string>

#include "common/error.h"
#include "dsp/db.h"
#include "dsp/onset.h"
#include "dsp/simd.h"

namespace genre::dsp {

namespace {

// This thread's CPU time in seconds: the split stays meaningful on a busy
// machine, where wall time also counts other processes' turns.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Adds the CPU seconds since `since` to `into` and restarts the clock.
void lap(double& since, double& into) {
  const double now = thread_seconds();
  into += now - since;
  since = now;
}

struct MeanVar {
  double mean = 0, var = 0;
};

// Population mean and variance (numpy's np.mean / np.var, ddof 0) from the
// sums of x and x^2 in double, in one vectorised pass. (numpy adds float32
// arrays in float32, pairwise; the difference is far below the tolerance,
// and double keeps near-zero means, such as harmony's, accurate. The
// cancellation in E[x^2] - mean^2 costs digits only where var/mean^2 is below
// ~1e-10, far from any feature here.)
MeanVar from_sums(double sum, double squares, std::size_t n) {
  MeanVar r;
  if (n == 0) return r;
  const double count = static_cast<double>(n);
  r.mean = sum / count;
  r.var = std::max(0.0, squares / count - r.mean * r.mean);
  return r;
}

template <class T>
GENRE_DSP_HOT MeanVar mean_var(const T* x, std::size_t n) {
  double sum = 0.0, squares = 0.0;
#pragma omp simd reduction(+ : sum, squares)
  for (std::size_t i = 0; i < n; ++i) {
    const auto v = static_cast<double>(x[i]);
    sum += v;
    squares += v * v;
  }
  return from_sums(sum, squares, n);
}

// Column c of a row-major [rows][cols] array.
MeanVar column_mean_var(const float* x, std::size_t rows, std::size_t cols, std::size_t c) {
  double sum = 0.0, squares = 0.0;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto v = static_cast<double>(x[r * cols + c]);
    sum += v;
    squares += v * v;
  }
  return from_sums(sum, squares, rows);
}

template <class T>
void grow(std::vector<T>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}

TempoParams tempo_params(const StftParams& p) {
  TempoParams t;
  t.sample_rate = p.sample_rate;
  t.hop_length = p.hop_length;
  return t;
}

const StftParams& validated(const StftParams& p) {
  if (p.sample_rate < 1) throw UsageError("sample rate must be positive, got " + std::to_string(p.sample_rate));
  return p;
}

}  // namespace

const std::vector<std::string>& FeatureTable::columns() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> c{"length",
                               "chroma_stft_mean",
                               "chroma_stft_var",
                               "rms_mean",
                               "rms_var",
                               "spectral_centroid_mean",
                               "spectral_centroid_var",
                               "spectral_bandwidth_mean",
                               "spectral_bandwidth_var",
                               "rolloff_mean",
                               "rolloff_var",
                               "zero_crossing_rate_mean",
                               "zero_crossing_rate_var",
                               "harmony_mean",
                               "harmony_var",
                               "perceptr_mean",
                               "perceptr_var",
                               "tempo"};
    for (int k = 1; k <= kMfcc; ++k) {
      c.push_back("mfcc" + std::to_string(k) + "_mean");
      c.push_back("mfcc" + std::to_string(k) + "_var");
    }
    return c;
  }();
  return names;
}

FeatureTable::FeatureTable(const StftParams& stft)
    : stft_(validated(stft)),
      mel_(stft.sample_rate, stft.n_fft, kMels),
      dct_(kMels, kMfcc),
      shape_(stft.sample_rate, stft.n_fft),
      chroma_(stft.sample_rate, stft.n_fft),
      tempo_(tempo_params(stft)),
      hpss_(stft, kHpssKernel) {}

void FeatureTable::compute(const float* samples, std::size_t n, float* row) {
  if (n == 0) throw Error("feature table of an empty signal");
  const std::size_t nf = stft_.frames(n), nb = stft_.bins();
  const auto nm = static_cast<std::size_t>(kMels);
  const auto nc = static_cast<std::size_t>(kMfcc);
  grow(power_, nf * nb);
  grow(magnitude_, nf * nb);
  grow(spectrum_, nf * nb);
  // log_mel_ is exposed: exactly frames x mels, not grown scratch.
  log_mel_.resize(nf * nm);
  grow(mfcc_, nf * nc);
  grow(chroma_values_, nf * chroma_.n_chroma());
  grow(onset_, nf);
  grow(rms_, nf);
  grow(centroid_, nf);
  grow(bandwidth_, nf);
  grow(rolloff_, nf);
  grow(zcr_, nf);
  grow(harmonic_, n);
  grow(percussive_, n);

  double clock = thread_seconds();
  // One STFT: every spectral stage reads these three views of it.
  for (std::size_t t = 0; t < nf; ++t) {
    const std::complex<double>* x = stft_.frame(samples, n, t);
    float* power = power_.data() + t * nb;
    float* magnitude = magnitude_.data() + t * nb;
    std::complex<float>* spectrum = spectrum_.data() + t * nb;
    power_spectrum(x, nb, power);
    magnitude_spectrum(x, nb, magnitude);
    for (std::size_t k = 0; k < nb; ++k) spectrum[k] = std::complex<float>(x[k]);
    mel_.apply(power, log_mel_.data() + t * nm);
    const SpectralShape s = shape_.analyze(magnitude);
    centroid_[t] = s.centroid;
    bandwidth_[t] = s.bandwidth;
    rolloff_[t] = s.rolloff;
  }
  lap(clock, timings_.stft);

  power_to_db(log_mel_.data(), nf * nm, kTopDb);
  dct_.apply(log_mel_.data(), nf, mfcc_.data());
  lap(clock, timings_.mfcc);

  const StftParams& p = stft_.params();
  onset_strength(log_mel_.data(), nf, nm, p.n_fft, p.hop_length, onset_.data());
  const double tempo = tempo_.estimate(onset_.data(), nf);
  lap(clock, timings_.tempo);

  chroma_.compute(power_.data(), nf, chroma_values_.data());
  lap(clock, timings_.chroma);

  const auto frame_length = static_cast<std::size_t>(p.n_fft), hop = static_cast<std::size_t>(p.hop_length);
  zero_crossing_rate(samples, n, frame_length, hop, zcr_.data());
  rms(samples, n, frame_length, hop, p.pad_mode, rms_.data());
  lap(clock, timings_.framewise);

  hpss_.separate(spectrum_.data(), magnitude_.data(), nf, samples, n, harmonic_.data(), percussive_.data());
  lap(clock, timings_.hpss);

  std::size_t c = 0;
  auto put = [&](const MeanVar& mv) {
    row[c++] = static_cast<float>(mv.mean);
    row[c++] = static_cast<float>(mv.var);
  };
  row[c++] = static_cast<float>(n);
  put(mean_var(chroma_values_.data(), nf * chroma_.n_chroma()));
  put(mean_var(rms_.data(), nf));
  put(mean_var(centroid_.data(), nf));
  put(mean_var(bandwidth_.data(), nf));
  put(mean_var(rolloff_.data(), nf));
  put(mean_var(zcr_.data(), nf));
  put(mean_var(harmonic_.data(), n));
  put(mean_var(percussive_.data(), n));
  row[c++] = static_cast<float>(tempo);
  for (std::size_t k = 0; k < nc; ++k) put(column_mean_var(mfcc_.data(), nf, nc, k));
  lap(clock, timings_.summary);
}

}  // namespace genre::dsp
