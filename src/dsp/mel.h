#pragma once
// Slaney mel scale and the Slaney-normalised triangular mel filterbank, as
// librosa.filters.mel(sr, n_fft, n_mels) builds them (fmin 0, fmax sr/2,
// htk=False, norm="slaney"): computed in double, stored as float32.
//
// Each filter is a triangle over a contiguous run of FFT bins and neighbouring
// triangles overlap by half, so the filterbank is stored sparsely (a run of
// bins + weights per filter): applying it costs about two multiply-adds per
// FFT bin instead of n_mels per bin for the dense matrix. Each run is widened
// with zero weights to a multiple of kLanes bins (still inside the spectrum),
// so the per-filter dot product is whole vector steps with no scalar tail.
#include <cstddef>
#include <vector>

namespace genre::dsp {

// Slaney's scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above
// (a factor 6.4 per 27 mels). librosa.hz_to_mel / mel_to_hz with htk=False.
double hz_to_mel(double hz);
double mel_to_hz(double mel);

// librosa.mel_frequencies(n, fmin, fmax, htk=False): n frequencies evenly spaced
// on the mel scale (numpy.linspace arithmetic), in Hz.
std::vector<double> mel_frequencies(std::size_t n, double fmin, double fmax);

// librosa.fft_frequencies(sr, n_fft) = numpy.fft.rfftfreq: bin k at k * sr / n_fft Hz.
std::vector<double> fft_frequencies(int sample_rate, int n_fft);

class MelFilterbank {
 public:
  // Throws genre::UsageError for non-positive sizes or rate, odd n_fft.
  MelFilterbank(int sample_rate, int n_fft, int n_mels);

  std::size_t n_mels() const { return first_.size(); }
  std::size_t bins() const { return bins_; }

  // out[m] = sum_k W[m][k] * spectrum[k] for one frame (spectrum: bins() values).
  void apply(const float* spectrum, float* out) const;

  // Filter m's stored run: weights(m)[j] is the weight of bin first_bin(m) + j,
  // for j < width(m); width(m) is a multiple of kLanes, and the run holds the
  // triangle's non-zero weights (possibly with zeros around them).
  static constexpr std::size_t kLanes = 8;
  std::size_t first_bin(std::size_t m) const { return first_[m]; }
  std::size_t width(std::size_t m) const { return offset_[m + 1] - offset_[m]; }
  const float* weights(std::size_t m) const { return weights_.data() + offset_[m]; }

  // The dense [n_mels][bins] matrix (for tests and inspection).
  std::vector<float> dense() const;

 private:
  std::size_t bins_;
  std::vector<std::size_t> first_;   // per filter: first bin of its run
  std::vector<std::size_t> offset_;  // per filter: start in weights_ (n_mels + 1 entries)
  std::vector<float> weights_;       // all filters' runs, back to back
};

}  // namespace genre::dsp
