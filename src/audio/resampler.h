#pragma once
// Sample-rate conversion with soxr (high quality), a one-shot call per track.
#include <vector>

namespace genre::audio {

// Returns `in` resampled from `from_rate` to `to_rate` Hz (a copy when equal).
std::vector<float> resample(const std::vector<float>& in, int from_rate, int to_rate);

}  // namespace genre::audio
