#pragma once
// The feature-extractor seam: one segment of mono samples in, a [frames, dims]
// matrix out. Set-up (FFTW plans, filterbanks, DCT matrix) happens once in the
// factory; compute() is the per-segment work and reuses scratch buffers, so an
// extractor is not thread-safe: use one per thread.
#include <cstddef>
#include <memory>

#include "dsp/feature_params.h"

namespace genre::dsp {

class FeatureExtractor {
 public:
  virtual ~FeatureExtractor() = default;
  // Frames for a segment of n samples with centred frames: 1 + n / hop.
  virtual std::size_t frames(std::size_t n_samples) const = 0;
  // Values per frame: n_mfcc (MFCC) or n_mels (log-mel).
  virtual std::size_t dims() const = 0;
  // Writes frames(n) * dims() floats, row-major [frame][dim], to out.
  // Any n >= 1 works (short segments are padded as librosa pads them);
  // n == 0 throws genre::Error.
  virtual void compute(const float* samples, std::size_t n, float* out) = 0;
};

// Throws genre::UsageError for parameters out of range (n_mels < 1, n_mfcc
// outside [1, n_mels] for MFCC, top_db < 0, n_fft odd or < 16, hop < 1,
// sample rate < 1).
std::unique_ptr<FeatureExtractor> make_feature_extractor(const FeatureParams& params);

// frames(n) and dims() of the extractor these params make, validated alike,
// without its set-up (filterbank, DCT matrix, FFTW plan: milliseconds that
// every rank of a short run would otherwise pay again just to size things).
struct FeatureShape {
  std::size_t frames = 0, dims = 0;
};
FeatureShape feature_shape(const FeatureParams& params, std::size_t n_samples);

}  // namespace genre::dsp
