#pragma once
// The whole per-file audio front end of the preprocessor and of `classify`:
// decode, downmix, resample, validate.
#include <string>
#include <vector>

#include "audio/decoder.h"

namespace genre::audio {

struct LoadedAudio {
  std::vector<float> samples;  // mono, at the target rate
  int source_rate = 0;
  int source_channels = 0;
  double duration_s = 0;  // of the decoded signal
};

// Decodes `bytes` and checks it is usable for analysis. Throws BadAudio with a
// one-line reason for: not audio / unsupported format, empty, truncated,
// containing NaN or infinity, silent (all samples zero), or shorter than
// `min_samples` at the target rate.
LoadedAudio load_for_analysis(const std::string& bytes, int target_rate, std::size_t min_samples);

// Segment boundaries: segment i covers [i*stride, i*stride + length) (length
// is the stride, or one less under --compat kaggle); the incomplete tail is
// dropped. The preprocessor and the classifier slice by this one rule.
inline std::size_t segment_count(std::size_t n_samples, std::size_t stride, std::size_t length) {
  return stride && length && n_samples >= length ? 1 + (n_samples - length) / stride : 0;
}

}  // namespace genre::audio
