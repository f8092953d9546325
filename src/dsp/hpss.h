#pragma once
// Harmonic-percussive source separation as librosa.effects.hpss (0.9.2) does
// it with its defaults: on the magnitude |D| of the STFT, H = median over 31
// frames (along time), P = median over 31 bins (along frequency), both with
// scipy.ndimage's 'reflect' edges; soft masks H^2/(H^2+P^2) and P^2/(H^2+P^2)
// (power 2, margin 1, split_zeros: 0.5 each where both are ~0); the signals
// are the inverse STFTs of D times each mask, cut to the input's length.
//
// Work saved against librosa: the two masks sum to 1 (up to float rounding),
// and istft(D) is the input itself (exact reconstruction wherever the squared
// windows overlap, i.e. everywhere), so percussive = input - harmonic: one
// inverse STFT instead of two. The medians use median_filter.h's running
// median (the step that costs librosa 88% of its time for the whole table).
#include <complex>
#include <cstddef>
#include <utility>
#include <vector>

#include "dsp/feature_params.h"
#include "dsp/istft.h"

namespace genre::dsp {

class Hpss {
 public:
  // kernel: odd median width (librosa's kernel_size); throws UsageError otherwise.
  explicit Hpss(const StftParams& params, std::size_t kernel = 31);

  // mag: frames x bins magnitudes (row per frame); writes the harmonic soft
  // mask (frames x bins) to mask. The percussive mask is 1 - mask.
  void harmonic_mask(const float* mag, std::size_t frames, std::size_t bins, float* mask);

  // spec: the complex STFT of samples[0, n) (frames x bins, as Stft writes
  // it), mag its magnitude. Writes n samples each to harmonic and percussive.
  void separate(const std::complex<float>* spec, const float* mag, std::size_t frames, const float* samples,
                std::size_t n, float* harmonic, float* percussive);

  // For a signal too long to hold its whole spectrogram: harmonic samples
  // [from, to) of what separate() writes for the whole signal (n samples,
  // `frames` frames), from frames [first, first + count) of its STFT and
  // magnitude, which must cover context(from, to, ...). Bit-identical to
  // separate()'s: the medians see the same neighbours (the context reaches
  // kernel/2 frames past the frames the inverse STFT needs, or the signal's
  // own edge, where both reflect alike).
  void harmonic_part(const std::complex<float>* spec, const float* mag, std::size_t first, std::size_t count,
                     std::size_t frames, std::size_t n, std::size_t from, std::size_t to, float* harmonic);
  // Bytes held by the scratch buffers (the medians, masks, inverse STFT).
  std::size_t scratch_bytes() const;

  // The frames [first, last) harmonic_part needs for samples [from, to).
  std::pair<std::size_t, std::size_t> context(std::size_t from, std::size_t to, std::size_t frames,
                                              std::size_t n) const;

 private:
  std::size_t kernel_;
  Istft istft_;
  std::vector<float> harm_, perc_, mask_;
  std::vector<std::complex<float>> masked_;
};

// out[c][r] = in[r][c] for a row-major [rows][cols] array.
void transpose(const float* in, std::size_t rows, std::size_t cols, float* out);

}  // namespace genre::dsp
