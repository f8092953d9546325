#pragma once
// Inverse of the centred STFT, as librosa.istft (0.9.2) computes it with the
// defaults librosa.effects.hpss uses: periodic Hann of n_fft samples, hop,
// inverse real FFT of each frame, windowed overlap-add, division by the sum of
// the squared windows where it exceeds float32's tiny, the first n_fft/2
// samples dropped and the result cut (or zero-padded) to `length`.
//
// The inverse FFTs run in float32: the harmonic/percussive signals only have
// to agree with librosa to 1e-4 per sample, and float32 errs by ~1e-7 of the
// frame's scale. One Istft owns its FFTW plan and scratch; not thread-safe.
#include <complex>
#include <map>
#include <cstddef>
#include <vector>

#include "dsp/feature_params.h"
#include "dsp/fft_plan.h"

namespace genre::dsp {

class Istft {
 public:
  // Throws genre::UsageError for n_fft < 2 or odd, hop < 1.
  explicit Istft(const StftParams& params);

  std::size_t bins() const { return n_fft_ / 2 + 1; }

  // spec: frames * bins() values, row per frame (the layout Stft writes).
  // Writes `length` samples to out.
  void run(const std::complex<float>* spec, std::size_t frames, std::size_t length, float* out);

 private:
  // librosa.filters.window_sumsquare for `frames` frames (cached by count:
  // every segment of a track has the same, and so do most tracks).
  const std::vector<float>& window_sumsquare(std::size_t frames);

  std::size_t n_fft_;
  std::size_t hop_;
  std::vector<float> window_;  // periodic Hann / n_fft (irfft's normalisation folded in)
  std::vector<float> window_sq_;
  InverseFft<float> fft_;
  std::vector<float> accumulator_;
  std::map<std::size_t, std::vector<float>> wss_;
};

}  // namespace genre::dsp
