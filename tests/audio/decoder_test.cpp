// open_memory / read_mono on files written by libsndfile.
#include "audio/decoder.h"

#include <gtest/gtest.h>

#include "audio/audio_test_util.h"

namespace genre::audio {
namespace {

using test::encode;
using test::sine;

std::vector<float> interleave(const std::vector<float>& left, const std::vector<float>& right) {
  std::vector<float> out;
  for (std::size_t i = 0; i < left.size(); ++i) out.insert(out.end(), {left[i], right[i]});
  return out;
}

TEST(Decoder, SourceReadsInterleavedFrames) {
  const std::vector<float> left = sine(440, 0.5, 22050, 1000), right = sine(660, 0.25, 22050, 1000);
  const std::string bytes = encode(interleave(left, right), 2, 22050, "wav_float");
  const auto source = open_memory(bytes);
  EXPECT_EQ(source->info().channels, 2);
  EXPECT_EQ(source->info().frames, 1000);
  std::vector<float> block(2 * 600);
  ASSERT_EQ(source->read(block.data(), 600), 600);
  EXPECT_EQ(block[2 * 599], left[599]);
  EXPECT_EQ(block[2 * 599 + 1], right[599]);
  EXPECT_EQ(source->read(block.data(), 600), 400);
  EXPECT_EQ(block[2 * 399 + 1], right[999]);
  EXPECT_EQ(source->read(block.data(), 600), 0);
}

TEST(Decoder, StereoDownmixIsTheMeanOfTheChannels) {
  // Longer than one read block, to cross block boundaries.
  const std::size_t n = 50000;
  const std::vector<float> left = sine(440, 0.5, 44100, n), right = sine(97, 0.3, 44100, n);
  const std::string bytes = encode(interleave(left, right), 2, 44100, "wav_float");
  const auto source = open_memory(bytes);
  const std::vector<float> mono = read_mono(*source);
  ASSERT_EQ(mono.size(), n);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(mono[i], (left[i] + right[i]) / 2.0f) << "at " << i;
}

TEST(Decoder, ThreeChannelsAverageToo) {
  const std::vector<float> frames = {0.3f, 0.6f, -0.3f, 0.9f, 0.0f, 0.0f};
  const std::string bytes = encode(frames, 3, 8000, "wav_float");
  const auto source = open_memory(bytes);
  const std::vector<float> mono = read_mono(*source);
  ASSERT_EQ(mono.size(), 2u);
  EXPECT_FLOAT_EQ(mono[0], (0.3f + 0.6f - 0.3f) / 3.0f);
  EXPECT_FLOAT_EQ(mono[1], 0.9f / 3.0f);
}

TEST(Decoder, EmptyBytesAreBadAudio) {
  const std::string empty;
  EXPECT_THROW(open_memory(empty), BadAudio);
}

}  // namespace
}  // namespace genre::audio
