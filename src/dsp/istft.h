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
#include <cstddef>
#include <map>
#include <utility>
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

  // For a signal whose whole spectrogram is too long to hold: samples
  // [from, to) of what run(spec, frames, length, out) writes, from only the
  // frames that reach them (frames_reaching). `part` holds frames
  // [first, first + count) of the whole spectrogram of `frames` frames and
  // must cover frames_reaching(from, to, ...). Writes to - from samples,
  // bit-identical to run()'s: the same frames are added in the same order,
  // and the window sum is summed as run() sums it.
  void run_part(const std::complex<float>* part, std::size_t first, std::size_t count, std::size_t frames,
                std::size_t length, std::size_t from, std::size_t to, float* out);
  // Bytes held by the overlap-add accumulator.
  std::size_t scratch_bytes() const { return accumulator_.capacity() * sizeof(float); }

  // The frames [first, last) of a `frames`-frame spectrogram whose windows
  // reach output samples [from, to) (from < to <= length) of run(..., length).
  std::pair<std::size_t, std::size_t> frames_reaching(std::size_t from, std::size_t to, std::size_t frames,
                                                      std::size_t length) const;

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
