#pragma once
// Signals and encoded files for the audio tests, written by libsndfile for real.
#include <cstddef>
#include <string>
#include <vector>

namespace genre::test {

// amplitude * sin(2 pi freq n / rate), n = 0 .. count-1.
std::vector<float> sine(double freq, double amplitude, int rate, std::size_t count);

// The bytes of `samples` written by audio::write_audio in `format`.
std::string encode(const std::vector<float>& samples, int channels, int rate, const std::string& format);

// Frequency of a sine from its zero crossings in [from, to), interpolated
// between samples.
double zero_crossing_frequency(const std::vector<float>& x, int rate, std::size_t from, std::size_t to);

}  // namespace genre::test
