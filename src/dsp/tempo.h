#pragma once
// Global tempo, as librosa.beat.tempo (0.9.2) estimates it with its defaults
// (start_bpm 120, std_bpm 1, ac_size 8 s, max_tempo 320, aggregate mean, no
// prior): the autocorrelation tempogram of the onset envelope (windows of
// ac_size seconds centred on every frame, the envelope extended by linear
// ramps to zero, periodic Hann, each window's autocorrelation divided by its
// maximum), averaged over frames, weighted by a log-normal prior around
// start_bpm; the tempo is 60 sr / (hop lag) for the best integer lag.
//
// Work saved against librosa: every window's autocorrelation peaks at lag 0
// (its energy), and averaging commutes with the inverse FFT, so the mean
// tempogram is one inverse FFT of the energy-weighted mean power spectrum:
// one forward FFT per frame plus one inverse FFT in all, on plans made once.
#include <cstddef>
#include <vector>

#include "dsp/fft_plan.h"

namespace genre::dsp {

struct TempoParams {
  int sample_rate = 22050;
  int hop_length = 512;
  double start_bpm = 120.0;
  double std_bpm = 1.0;
  double ac_size = 8.0;  // seconds
  double max_tempo = 320.0;
};

class TempoEstimator {
 public:
  // Throws genre::UsageError for non-positive parameters.
  explicit TempoEstimator(const TempoParams& params);

  // Autocorrelation window in frames: floor(ac_size * sr / hop), 344 at the defaults.
  std::size_t window() const { return window_; }

  // BPM from an onset envelope of n >= 1 frames.
  double estimate(const float* onset_envelope, std::size_t n);

  // The mean tempogram of the last estimate(), window() values by lag.
  const std::vector<double>& mean_tempogram() const { return mean_; }

 private:
  TempoParams params_;
  std::size_t window_;
  std::vector<double> hann_;
  std::vector<double> log_prior_;  // by lag; -inf where excluded
  std::vector<double> bpm_;        // by lag; bpm_[0] = inf
  ForwardFft<double> forward_;
  InverseFft<double> inverse_;
  std::vector<float> padded_;
  std::vector<double> power_sum_;
  std::vector<double> mean_;
};

}  // namespace genre::dsp
