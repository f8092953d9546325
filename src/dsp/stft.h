#pragma once
// Centred short-time Fourier transform, as librosa.stft (0.9.2) computes it:
// periodic Hann window of n_fft samples, frames every hop samples, the signal
// padded by n_fft/2 on each side (zeros or reflection, exactly numpy.pad's
// 'constant' / 'reflect'), frame t centred on sample t*hop, no scaling.
// Like librosa (float64 window times float32 samples, numpy's float64 FFT),
// windowing and FFT run in double; results are rounded to float32 only where
// librosa's are (see fft_plan.h for why this matters).
//
// One Stft owns its FFTW plan, window and frame buffer: build it once (planning
// takes milliseconds), then run it on any number of segments. It is not
// thread-safe (the buffers are shared by calls): one per thread.
//
// Two ways to use it:
//  - frame by frame, with no storage for the whole spectrogram: frame() gives
//    the spectrum of one frame (what the mel/MFCC path and per-frame spectral
//    features such as centroid, bandwidth and rolloff want);
//  - whole segment: spectrogram() (complex, e.g. for HPSS and its inverse STFT)
//    or power() (|X|^2, e.g. for chroma), row-major [frames][bins].
//
// Short segments: librosa pads any non-empty signal, so every n >= 1 works and
// gives 1 + n/hop frames. Reflection of a signal shorter than the padding
// repeats the reflection (numpy's periodic 'reflect': period 2(n-1)), and a
// single sample is repeated (numpy's legacy edge behaviour for n == 1).
// An empty segment (n == 0) throws genre::Error in both modes: numpy cannot
// reflect it, and an empty segment is a bug upstream anyway.
#include <complex>
#include <cstddef>
#include <vector>

#include "dsp/feature_params.h"
#include "dsp/fft_plan.h"

namespace genre::dsp {

// scipy.signal.get_window("hann", n, fftbins=True): 0.5 - 0.5 cos(2 pi i / n),
// computed in double the way scipy does.
std::vector<double> periodic_hann(std::size_t n);

// numpy.pad(x, ..., mode) at position p of the unpadded signal x[0, n), p may
// lie outside [0, n): the value the padded array holds there. n >= 1.
float padded_sample(const float* x, std::size_t n, std::ptrdiff_t p, PadMode mode);

class Stft {
 public:
  // Throws genre::UsageError for n_fft < 2 or odd, hop < 1.
  explicit Stft(const StftParams& params);

  const StftParams& params() const { return params_; }
  std::size_t n_fft() const { return n_fft_; }
  std::size_t hop() const { return hop_; }
  std::size_t bins() const { return n_fft_ / 2 + 1; }
  // Frames of a segment of n samples: 1 + n / hop (center=True).
  static std::size_t frames(std::size_t n_samples, std::size_t hop) { return 1 + n_samples / hop; }
  std::size_t frames(std::size_t n_samples) const { return frames(n_samples, hop_); }
  // The analysis window (periodic Hann, n_fft values).
  const std::vector<double>& window() const { return window_; }

  // Spectrum of frame t of samples[0, n), in double: bins() values, valid
  // until the next call on this object. Throws genre::Error if n == 0 or
  // t >= frames(n).
  const std::complex<double>* frame(const float* samples, std::size_t n, std::size_t t);

  // Complex STFT of samples[0, n) into out[frames(n) * bins()], row per frame,
  // rounded to complex64 as librosa.stft returns it.
  void spectrogram(const float* samples, std::size_t n, std::complex<float>* out);
  // Power spectrogram |X|^2 into out[frames(n) * bins()], row per frame.
  void power(const float* samples, std::size_t n, float* out);

 private:
  void fill_frame(const float* samples, std::size_t n, std::size_t t);

  StftParams params_;
  std::size_t n_fft_;
  std::size_t hop_;
  std::vector<double> window_;
  ForwardFft<double> fft_;
};

// out[k] = |X_k|^2 for k < bins, rounded to float32.
void power_spectrum(const std::complex<double>* spectrum, std::size_t bins, float* out);
// out[k] = |X_k| for k < bins, rounded to float32 (librosa's magnitude
// spectrogram, power 1).
void magnitude_spectrum(const std::complex<double>* spectrum, std::size_t bins, float* out);

}  // namespace genre::dsp
