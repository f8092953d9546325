#pragma once
// Frame-level features of the GTZAN feature table, as librosa.feature (0.9.2)
// computes them with its defaults (frame 2048, hop 512, centred):
//  - spectral centroid, bandwidth (p = 2, normalised) and rolloff (85%) of one
//    magnitude spectrum |X| (power 1);
//  - zero-crossing rate and RMS of the signal's frames.
#include <cstddef>
#include <vector>

#include "dsp/feature_params.h"

namespace genre::dsp {

struct SpectralShape {
  double centroid = 0;   // Hz
  double bandwidth = 0;  // Hz
  double rolloff = 0;    // Hz
};

// Centroid, bandwidth and rolloff of one frame's magnitude spectrum (bins
// values at freq[k] Hz, librosa.fft_frequencies). A silent frame gives
// centroid and bandwidth 0 (librosa leaves an all-zero column unnormalised)
// and rolloff freq[0].
class SpectralShapeAnalyzer {
 public:
  SpectralShapeAnalyzer(int sample_rate, int n_fft, double roll_percent = 0.85);
  std::size_t bins() const { return freq_.size(); }
  SpectralShape analyze(const float* magnitude);

 private:
  std::vector<double> freq_;
  float roll_percent_;
  std::vector<float> cumsum_;
};

// librosa.feature.zero_crossing_rate(y, frame_length, hop_length, center=True):
// the signal edge-padded by frame_length/2 (copies of the end samples, in
// every pad mode), |y| <= 1e-10 counted as 0, a crossing wherever signbit
// changes between neighbours inside a frame; crossings / frame_length.
// Writes 1 + n / hop values to out. n >= 1.
void zero_crossing_rate(const float* y, std::size_t n, std::size_t frame_length, std::size_t hop, double* out);

// librosa.feature.rms(y=y, frame_length, hop_length, center=True, pad_mode):
// sqrt(mean(frame^2)) over unwindowed frames of the padded signal (zeros or
// reflection, as the STFT). Writes 1 + n / hop values to out. n >= 1.
void rms(const float* y, std::size_t n, std::size_t frame_length, std::size_t hop, PadMode pad, float* out);

}  // namespace genre::dsp
