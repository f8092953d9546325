#include "dsp/onset.h"

namespace genre::dsp {

void onset_strength(const float* log_mel, std::size_t frames, std::size_t n_mels, int n_fft, int hop, float* out) {
  constexpr std::size_t kLag = 1;
  const std::size_t shift = kLag + static_cast<std::size_t>(n_fft / (2 * hop));
  for (std::size_t t = 0; t < frames; ++t) {
    // out[t] is the difference of frames t - shift + 1 and t - shift.
    if (t < shift || t - shift + 1 >= frames) {
      out[t] = 0.0f;
      continue;
    }
    const float* cur = log_mel + (t - shift + 1) * n_mels;
    const float* prev = log_mel + (t - shift) * n_mels;
    // float32, added band after band: numpy's order here (the bands are the
    // outer axis of librosa's mel array), checked bit for bit in the tests.
    float sum = 0.0f;
    for (std::size_t m = 0; m < n_mels; ++m) {
      const float d = cur[m] - prev[m];
      sum += d > 0.0f ? d : 0.0f;
    }
    out[t] = sum / static_cast<float>(n_mels);
  }
}

}  // namespace genre::dsp
