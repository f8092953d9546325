// Resampling with soxr: frequency and length as librosa.resample gives them.
#include "audio/resampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "audio/audio_test_util.h"
#include "common/error.h"

namespace genre::audio {
namespace {

using test::sine;
using test::zero_crossing_frequency;

double peak(const std::vector<float>& x, std::size_t from, std::size_t to) {
  float p = 0;
  for (std::size_t i = from; i < to; ++i) p = std::max(p, std::fabs(x[i]));
  return p;
}

TEST(Resampler, OneKilohertzAt44100StaysOneKilohertzAt22050) {
  const std::vector<float> in = sine(1000, 0.5, 44100, 2 * 44100);
  const std::vector<float> out = resample(in, 44100, 22050);
  ASSERT_EQ(out.size(), 44100u);
  // Away from the filter's edge effects at both ends.
  EXPECT_NEAR(zero_crossing_frequency(out, 22050, 2000, out.size() - 2000), 1000.0, 0.05);
  EXPECT_NEAR(peak(out, 2000, out.size() - 2000), 0.5, 0.005);
}

TEST(Resampler, UpsamplingKeepsTheFrequencyToo) {
  const std::vector<float> out = resample(sine(440, 0.5, 22050, 22050), 22050, 48000);
  ASSERT_EQ(out.size(), 48001u);  // see LengthIsTheCeilingOfTheRatioAsInLibrosa
  EXPECT_NEAR(zero_crossing_frequency(out, 48000, 4000, out.size() - 4000), 440.0, 0.05);
}

TEST(Resampler, LengthIsTheCeilingOfTheRatioAsInLibrosa) {
  // 12345 * 22050 / 48000 = 5670.84...
  EXPECT_EQ(resample(sine(440, 0.5, 48000, 12345), 48000, 22050).size(), 5671u);
  EXPECT_EQ(resample(sine(440, 0.5, 44100, 3), 44100, 22050).size(), 2u);
  // librosa computes n * (to / from) in doubles: 22050 * (48000 / 22050) is
  // 48000.00000000001, so it returns one sample more; so do we.
  EXPECT_EQ(resample(sine(440, 0.5, 22050, 22050), 22050, 48000).size(), 48001u);
}

TEST(Resampler, FrequenciesAboveTheNewNyquistAreRemoved) {
  const std::vector<float> out = resample(sine(15000, 0.5, 44100, 44100), 44100, 22050);
  EXPECT_LT(peak(out, 2000, out.size() - 2000), 0.005);
}

TEST(Resampler, SameRateIsACopy) {
  const std::vector<float> in = sine(440, 0.5, 22050, 1000);
  EXPECT_EQ(resample(in, 22050, 22050), in);
}

TEST(Resampler, RejectsNonPositiveRates) {
  EXPECT_THROW(resample({0.1f}, 0, 22050), Error);
  EXPECT_THROW(resample({0.1f}, 22050, -1), Error);
}

}  // namespace
}  // namespace genre::audio
