#include "dsp/feature_table.h"

#include <time.h>

#include <algorithm>
#include <initializer_list>
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

// Sums of x and x^2 over values added in pieces: the mean and variance of a
// signal analysed block by block.
struct Moments {
  double sum = 0.0, squares = 0.0;
  std::size_t count = 0;
  template <class T>
  GENRE_DSP_HOT void add(const T* x, std::size_t n) {
    double s = 0.0, q = 0.0;
#pragma omp simd reduction(+ : s, q)
    for (std::size_t i = 0; i < n; ++i) {
      const auto v = static_cast<double>(x[i]);
      s += v;
      q += v * v;
    }
    sum += s;
    squares += q;
    count += n;
  }
  MeanVar result() const { return from_sums(sum, squares, count); }
};

template <class T>
MeanVar mean_var(const T* x, std::size_t n) {
  Moments m;
  m.add(x, n);
  return m.result();
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

std::size_t checked_block(std::size_t frames) {
  if (frames < 64) throw UsageError("feature table blocks need at least 64 frames, got " + std::to_string(frames));
  return frames;
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

FeatureTable::FeatureTable(const StftParams& stft, std::size_t block_frames)
    : stft_(validated(stft)),
      mel_(stft.sample_rate, stft.n_fft, kMels),
      dct_(kMels, kMfcc),
      shape_(stft.sample_rate, stft.n_fft),
      chroma_(stft.sample_rate, stft.n_fft),
      tempo_(tempo_params(stft)),
      hpss_(stft, kHpssKernel),
      block_frames_(checked_block(block_frames)) {}

void FeatureTable::compute(const float* samples, std::size_t n, float* row) {
  if (n == 0) throw Error("feature table of an empty signal");
  if (stft_.frames(n) > block_frames_)
    compute_in_blocks(samples, n, row);
  else
    compute_whole(samples, n, row);
}

void FeatureTable::size_frame_summaries(std::size_t nf) {
  // log_mel_ is exposed: exactly frames x mels, not grown scratch.
  log_mel_.resize(nf * static_cast<std::size_t>(kMels));
  grow(mfcc_, nf * static_cast<std::size_t>(kMfcc));
  grow(onset_, nf);
  grow(rms_, nf);
  grow(centroid_, nf);
  grow(bandwidth_, nf);
  grow(rolloff_, nf);
  grow(zcr_, nf);
}

void FeatureTable::summarise_frame(const std::complex<double>* x, std::size_t t, float* power, float* magnitude) {
  const std::size_t nb = stft_.bins();
  power_spectrum(x, nb, power);
  magnitude_spectrum(x, nb, magnitude);
  mel_.apply(power, log_mel_.data() + t * static_cast<std::size_t>(kMels));
  const SpectralShape s = shape_.analyze(magnitude);
  centroid_[t] = s.centroid;
  bandwidth_[t] = s.bandwidth;
  rolloff_[t] = s.rolloff;
}

double FeatureTable::frame_summaries(const float* samples, std::size_t n, std::size_t nf) {
  const auto nm = static_cast<std::size_t>(kMels);
  double clock = thread_seconds();
  power_to_db(log_mel_.data(), nf * nm, kTopDb);
  dct_.apply(log_mel_.data(), nf, mfcc_.data());
  lap(clock, timings_.mfcc);

  const StftParams& p = stft_.params();
  onset_strength(log_mel_.data(), nf, nm, p.n_fft, p.hop_length, onset_.data());
  const double tempo = tempo_.estimate(onset_.data(), nf);
  lap(clock, timings_.tempo);

  const auto frame_length = static_cast<std::size_t>(p.n_fft), hop = static_cast<std::size_t>(p.hop_length);
  zero_crossing_rate(samples, n, frame_length, hop, zcr_.data());
  rms(samples, n, frame_length, hop, p.pad_mode, rms_.data());
  lap(clock, timings_.framewise);
  return tempo;
}

struct FeatureTable::RowStats {
  MeanVar chroma, harmony, perceptr;
  double tempo = 0;
};

void FeatureTable::compute_whole(const float* samples, std::size_t n, float* row) {
  const std::size_t nf = stft_.frames(n), nb = stft_.bins();
  grow(power_, nf * nb);
  grow(magnitude_, nf * nb);
  grow(spectrum_, nf * nb);
  size_frame_summaries(nf);
  grow(chroma_values_, nf * chroma_.n_chroma());
  grow(harmonic_, n);
  grow(percussive_, n);

  double clock = thread_seconds();
  // One STFT: every spectral stage reads these three views of it.
  for (std::size_t t = 0; t < nf; ++t) {
    const std::complex<double>* x = stft_.frame(samples, n, t);
    summarise_frame(x, t, power_.data() + t * nb, magnitude_.data() + t * nb);
    std::complex<float>* spectrum = spectrum_.data() + t * nb;
    for (std::size_t k = 0; k < nb; ++k) spectrum[k] = std::complex<float>(x[k]);
  }
  lap(clock, timings_.stft);

  RowStats parts;
  parts.tempo = frame_summaries(samples, n, nf);
  clock = thread_seconds();

  chroma_.compute(power_.data(), nf, chroma_values_.data());
  lap(clock, timings_.chroma);

  hpss_.separate(spectrum_.data(), magnitude_.data(), nf, samples, n, harmonic_.data(), percussive_.data());
  lap(clock, timings_.hpss);

  parts.chroma = mean_var(chroma_values_.data(), nf * chroma_.n_chroma());
  parts.harmony = mean_var(harmonic_.data(), n);
  parts.perceptr = mean_var(percussive_.data(), n);
  write_row(n, nf, parts, row);
  lap(clock, timings_.summary);
}

void FeatureTable::compute_in_blocks(const float* samples, std::size_t n, float* row) {
  const std::size_t nf = stft_.frames(n), nb = stft_.bins();
  const std::size_t hop = stft_.hop();
  size_frame_summaries(nf);
  grow(magnitude_, nb);

  // Pass 1, block by block: mel, spectral shape, the tuning's peaks.
  double clock = thread_seconds();
  TuningEstimator tuning(stft_.params().sample_rate, stft_.params().n_fft);
  for (std::size_t f0 = 0; f0 < nf; f0 += block_frames_) {
    const std::size_t f1 = std::min(nf, f0 + block_frames_);
    grow(power_, (f1 - f0) * nb);
    for (std::size_t t = f0; t < f1; ++t) {
      summarise_frame(stft_.frame(samples, n, t), t, power_.data() + (t - f0) * nb, magnitude_.data());
    }
    lap(clock, timings_.stft);
    tuning.add(power_.data(), f1 - f0);
    lap(clock, timings_.chroma);
  }

  RowStats parts;
  parts.tempo = frame_summaries(samples, n, nf);
  clock = thread_seconds();

  // Pass 2: chroma with the whole signal's tuning, and HPSS for the samples
  // each block owns ([f0 hop, f1 hop), the last block to the end), from the
  // frames around the block that the medians and the inverse STFT read.
  const Tuning tuned = tuning.result();
  Moments chroma, harmony, perceptr;
  for (std::size_t f0 = 0; f0 < nf; f0 += block_frames_) {
    const std::size_t f1 = std::min(nf, f0 + block_frames_);
    const std::size_t from = f0 * hop, to = f1 == nf ? n : f1 * hop;
    auto [c0, c1] = hpss_.context(from, to, nf, n);
    c0 = std::min(c0, f0);
    c1 = std::max(c1, f1);
    grow(power_, (c1 - c0) * nb);
    grow(magnitude_, (c1 - c0) * nb);
    grow(spectrum_, (c1 - c0) * nb);
    for (std::size_t t = c0; t < c1; ++t) {
      const std::complex<double>* x = stft_.frame(samples, n, t);
      const std::size_t at = (t - c0) * nb;
      power_spectrum(x, nb, power_.data() + at);
      magnitude_spectrum(x, nb, magnitude_.data() + at);
      for (std::size_t k = 0; k < nb; ++k) spectrum_[at + k] = std::complex<float>(x[k]);
    }
    lap(clock, timings_.stft);

    grow(chroma_values_, (f1 - f0) * chroma_.n_chroma());
    chroma_.compute(power_.data() + (f0 - c0) * nb, f1 - f0, tuned, chroma_values_.data());
    chroma.add(chroma_values_.data(), (f1 - f0) * chroma_.n_chroma());
    lap(clock, timings_.chroma);

    grow(harmonic_, to - from);
    grow(percussive_, to - from);
    hpss_.harmonic_part(spectrum_.data(), magnitude_.data(), c0, c1 - c0, nf, n, from, to, harmonic_.data());
    for (std::size_t i = 0; i < to - from; ++i) percussive_[i] = samples[from + i] - harmonic_[i];
    harmony.add(harmonic_.data(), to - from);
    perceptr.add(percussive_.data(), to - from);
    lap(clock, timings_.hpss);
  }
  parts.chroma = chroma.result();
  parts.harmony = harmony.result();
  parts.perceptr = perceptr.result();
  write_row(n, nf, parts, row);
  lap(clock, timings_.summary);
}

void FeatureTable::write_row(std::size_t n, std::size_t nf, const RowStats& stats, float* row) const {
  const auto nc = static_cast<std::size_t>(kMfcc);
  std::size_t c = 0;
  const auto put_mv = [&](const MeanVar& mv) {
    row[c++] = static_cast<float>(mv.mean);
    row[c++] = static_cast<float>(mv.var);
  };
  row[c++] = static_cast<float>(n);
  put_mv(stats.chroma);
  put_mv(mean_var(rms_.data(), nf));
  put_mv(mean_var(centroid_.data(), nf));
  put_mv(mean_var(bandwidth_.data(), nf));
  put_mv(mean_var(rolloff_.data(), nf));
  put_mv(mean_var(zcr_.data(), nf));
  put_mv(stats.harmony);
  put_mv(stats.perceptr);
  row[c++] = static_cast<float>(stats.tempo);
  for (std::size_t k = 0; k < nc; ++k) put_mv(column_mean_var(mfcc_.data(), nf, nc, k));
}

std::size_t FeatureTable::scratch_bytes() const {
  std::size_t floats = 0;
  for (const auto* v : {&power_, &magnitude_, &log_mel_, &mfcc_, &chroma_values_, &onset_, &rms_, &harmonic_,
                        &percussive_})
    floats += v->capacity();
  std::size_t doubles = 0;
  for (const auto* v : {&centroid_, &bandwidth_, &rolloff_, &zcr_}) doubles += v->capacity();
  return floats * sizeof(float) + doubles * sizeof(double) + spectrum_.capacity() * sizeof(std::complex<float>) +
         hpss_.scratch_bytes();
}

}  // namespace genre::dsp
