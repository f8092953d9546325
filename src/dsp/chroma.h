#pragma once
// Chromagram from a power spectrogram, as librosa.feature.chroma_stft (0.9.2)
// computes it with its defaults: the tuning estimated from the spectrogram
// itself (librosa.estimate_tuning through piptrack), the chroma filter bank
// for that tuning (librosa.filters.chroma: 12 bins, ctroct 5, octwidth 2,
// norm 2, base C), each frame divided by its largest chroma value.
//
// The tuning is a multiple of 0.01 bin (a histogram bin), so at most 100
// filter banks exist per parameter set; Chroma builds each on first use and
// keeps it (building one costs ~25k exp() calls, applying it far less).
#include <cstddef>
#include <map>
#include <vector>

namespace genre::dsp {

// librosa.filters.chroma(sr, n_fft, tuning, n_chroma=12): n_chroma rows of
// n_fft/2 + 1 weights (row-major), built in double, rounded to float32.
std::vector<float> chroma_filterbank(int sample_rate, int n_fft, double tuning, int n_chroma = 12);

// What estimate_tuning found: the tuning (fractions of a chroma bin, the left
// edge of the winning 0.01-wide histogram bin, as librosa returns it) and that
// bin's index in [0, 100).
struct Tuning {
  double value = 0.0;
  int bin = 50;
};

// librosa.estimate_tuning(S=power, sr, n_fft, bins_per_octave=12) on a power
// spectrogram [frames][n_fft/2 + 1] (row per frame): piptrack (fmin 150 Hz,
// fmax 4000 Hz, threshold 0.1 of each frame's maximum) gives peak pitches and
// magnitudes; pitches whose magnitude reaches the median are histogrammed by
// their deviation from equal temperament (A440), in float32 as numpy does.
// No peak at all gives 0.0 (librosa warns and returns 0.0 too).
Tuning estimate_tuning(const float* power, std::size_t frames, int sample_rate, int n_fft);

// estimate_tuning fed block by block, for a spectrogram too long to hold: it
// keeps only the peaks (a few per frame), and result() equals
// estimate_tuning of all the frames added, in order.
class TuningEstimator {
 public:
  TuningEstimator(int sample_rate, int n_fft);
  // power: [frames][n_fft/2 + 1], the next frames of the spectrogram.
  void add(const float* power, std::size_t frames);
  Tuning result() const;

 private:
  int sample_rate_;
  int n_fft_;
  std::size_t bins_, k_lo_ = 0, k_hi_ = 0;
  std::vector<float> thresholded_, pitches_, mags_;
};

class Chroma {
 public:
  Chroma(int sample_rate, int n_fft, int n_chroma = 12);
  std::size_t n_chroma() const { return n_chroma_; }
  std::size_t bins() const { return bins_; }

  // power: [frames][bins()]; writes [frames][n_chroma()] to out (row per
  // frame, columns C, C#, ..., B). Returns the tuning it estimated.
  Tuning compute(const float* power, std::size_t frames, float* out);
  // The same with a given tuning (estimate_tuning's result or a recorded one).
  void compute(const float* power, std::size_t frames, const Tuning& tuning, float* out);

  // The filter bank of a tuning histogram bin (built on first use).
  const std::vector<float>& filterbank(const Tuning& tuning);

 private:
  int sample_rate_;
  int n_fft_;
  std::size_t n_chroma_;
  std::size_t bins_;
  std::map<int, std::vector<float>> banks_;
};

}  // namespace genre::dsp
