#pragma once
// The GTZAN feature table (Kaggle's features_3_sec.csv / features_30_sec.csv,
// computed there with librosa): one row of summary numbers per signal, a 3-s
// segment or a whole track. Columns, spelled as in the Kaggle files:
//   length (samples), chroma_stft_mean/var, rms_mean/var,
//   spectral_centroid_mean/var, spectral_bandwidth_mean/var, rolloff_mean/var,
//   zero_crossing_rate_mean/var, harmony_mean/var, perceptr_mean/var, tempo,
//   mfcc1_mean, mfcc1_var, ..., mfcc20_mean, mfcc20_var
// (Kaggle's filename and label are metadata, not features, and are not here).
// Means and variances (population, ddof 0) run over every element of each
// librosa array: chroma over all 12 x frames values, MFCC per coefficient,
// harmony/perceptr over the harmonic/percussive signals' samples.
//
// Every stage follows librosa 0.9.2's defaults (shared/reference/librosa
// README): STFT n_fft 2048, hop 512, periodic Hann, centred, zero or
// reflection padding (the pad mode of the StftParams; Kaggle's published
// numbers used reflection); 128 Slaney mel bands, power_to_db top_db 80,
// 20 MFCC; chroma with estimated tuning; HPSS kernel 31; tempo as
// librosa.beat.tempo.
//
// Set-up (FFTW plans, filter banks, DCT) happens once in the constructor;
// compute() shares every intermediate: one STFT per signal feeds the power
// spectrum (mel, chroma), the magnitude (centroid, bandwidth, rolloff, HPSS)
// and the complex spectrum (HPSS's inverse STFT); one log-mel feeds MFCC and
// the onset envelope behind tempo. Not thread-safe: one per thread.
#include <complex>
#include <cstddef>
#include <string>
#include <vector>

#include "dsp/chroma.h"
#include "dsp/dct.h"
#include "dsp/feature_params.h"
#include "dsp/hpss.h"
#include "dsp/mel.h"
#include "dsp/spectral.h"
#include "dsp/stft.h"
#include "dsp/tempo.h"

namespace genre::dsp {

// CPU seconds (of the calling thread) per stage since the last reset, for
// the benchmark's split.
struct TableTimings {
  double stft = 0;      // STFT, power, magnitude, mel, centroid/bandwidth/rolloff
  double mfcc = 0;      // power_to_db, DCT
  double tempo = 0;     // onset envelope, tempogram
  double chroma = 0;    // tuning estimate, filter bank, chroma
  double framewise = 0; // zero-crossing rate, RMS
  double hpss = 0;      // median filters, masks, inverse STFT
  double summary = 0;   // means and variances
  double total() const { return stft + mfcc + tempo + chroma + framewise + hpss + summary; }
};

class FeatureTable {
 public:
  static constexpr int kMels = 128;
  static constexpr int kMfcc = 20;
  static constexpr double kTopDb = 80.0;
  static constexpr std::size_t kHpssKernel = 31;

  // The columns of a row, in order (58: length and Kaggle's 57 features).
  static const std::vector<std::string>& columns();

  // Signals of more frames than this (~47.5 s at the defaults: a GTZAN
  // track is one block, a 2-hour file 152) are computed in blocks.
  static constexpr std::size_t kBlockFrames = 2048;

  // Throws genre::UsageError for STFT parameters out of range, or a
  // block_frames below 64.
  explicit FeatureTable(const StftParams& stft, std::size_t block_frames = kBlockFrames);

  const StftParams& stft_params() const { return stft_.params(); }
  std::size_t frames(std::size_t n_samples) const { return stft_.frames(n_samples); }

  // One row for samples[0, n), n >= 1: columns().size() floats.
  //
  // Memory: a signal of up to block_frames frames is analysed whole, as
  // librosa does. A longer one runs the spectral stages (STFT, chroma, HPSS
  // and its inverse STFT) over blocks of block_frames frames with the context
  // each needs, twice (the chroma needs the whole signal's tuning first), and
  // keeps only per-frame summaries of the whole signal (log-mel, MFCC, onset,
  // shape: ~0.6 KB per frame against ~36 KB per frame for the whole
  // spectrogram, its magnitude, complex STFT and HPSS medians; 16 GB for a
  // 2-hour file). The two ways agree to the rounding of the means' sums: every
  // frame, mask and sample is computed from the same neighbours.
  void compute(const float* samples, std::size_t n, float* row);

  // The last compute()'s log-mel spectrogram, [frames][kMels] (row per
  // frame): exactly what the MFCC / log-mel front end computes from the same
  // STFT parameters (feature_extractor.h), so callers can reuse it.
  const std::vector<float>& log_mel() const { return log_mel_; }

  // Bytes held by this table's scratch buffers (they keep the size of the
  // longest signal seen, or of a block): what a long file costs.
  std::size_t scratch_bytes() const;

  const TableTimings& timings() const { return timings_; }
  void reset_timings() { timings_ = TableTimings{}; }

 private:
  Stft stft_;
  MelFilterbank mel_;
  Dct dct_;
  SpectralShapeAnalyzer shape_;
  Chroma chroma_;
  TempoEstimator tempo_;
  Hpss hpss_;
  TableTimings timings_;
  std::size_t block_frames_;

  void compute_whole(const float* samples, std::size_t n, float* row);
  void compute_in_blocks(const float* samples, std::size_t n, float* row);
  // The per-frame summaries of a signal of nf frames, held whole both ways.
  void size_frame_summaries(std::size_t nf);
  // Frame t's power and magnitude spectra from its STFT x; its mel row and
  // spectral shape into the summaries.
  void summarise_frame(const std::complex<double>* x, std::size_t t, float* power, float* magnitude);
  // The per-frame stages that need the whole signal's log-mel (MFCC, onset,
  // tempo) and the sample-domain ones (zero crossings, RMS), on nf frames.
  double frame_summaries(const float* samples, std::size_t n, std::size_t nf);
  struct RowStats;  // the stages' results that are not per-frame arrays
  void write_row(std::size_t n, std::size_t nf, const RowStats& stats, float* row) const;

  // Scratch, grown to the longest signal seen.
  std::vector<float> power_, magnitude_, log_mel_, mfcc_, chroma_values_, onset_, rms_;
  std::vector<std::complex<float>> spectrum_;
  std::vector<double> centroid_, bandwidth_, rolloff_, zcr_;
  std::vector<float> harmonic_, percussive_;
};

}  // namespace genre::dsp
