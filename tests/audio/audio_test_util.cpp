#include "audio/audio_test_util.h"

#include <cmath>

#include "audio/writer.h"
#include "support/test_support.h"

namespace {
constexpr double kTwoPi = 6.283185307179586476925;
}

namespace genre::test {

std::vector<float> sine(double freq, double amplitude, int rate, std::size_t count) {
  std::vector<float> x(count);
  for (std::size_t n = 0; n < count; ++n)
    x[n] = static_cast<float>(amplitude * std::sin(kTwoPi * freq * static_cast<double>(n) / rate));
  return x;
}

std::string encode(const std::vector<float>& samples, int channels, int rate, const std::string& format) {
  TempDir dir;
  const auto file = dir / ("signal." + format);
  audio::write_audio(file, samples, channels, rate, format);
  return read_file(file);
}

double zero_crossing_frequency(const std::vector<float>& x, int rate, std::size_t from, std::size_t to) {
  double first = -1, last = -1;
  int crossings = 0;
  for (std::size_t n = from + 1; n < to; ++n) {
    if ((x[n - 1] < 0) == (x[n] < 0)) continue;
    const double t = static_cast<double>(n - 1) + x[n - 1] / (x[n - 1] - x[n]);
    if (first < 0) first = t;
    last = t;
    ++crossings;
  }
  if (crossings < 2) return 0;
  return (crossings - 1) / 2.0 / ((last - first) / rate);
}

}  // namespace genre::test
