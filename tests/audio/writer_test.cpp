// write_audio through libsndfile, checked by decoding with our decoder.
#include "audio/writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "audio/audio_test_util.h"
#include "audio/decoder.h"
#include "support/test_support.h"

namespace genre::audio {
namespace {

using test::encode;
using test::sine;

struct RoundTrip {
  std::string format;
  int rate;
  std::string description;  // AudioInfo::format
  double max_error;         // per sample; negative: lossy, compare by correlation
};

// gtest would otherwise print the struct's raw bytes, padding included.
void PrintTo(const RoundTrip& c, std::ostream* os) { *os << c.format; }

// 1.5 quantisation steps: libsndfile scales by 2^(b-1)-1 on writing and
// divides by 2^(b-1) on reading.
constexpr double k16 = 1.5 / 32768, k24 = 1.5 / 8388608, k32 = 1e-7;

const std::vector<RoundTrip>& round_trips() {
  static const std::vector<RoundTrip> cases = {
      {"wav16", 44100, "WAV (Microsoft) / Signed 16 bit PCM", k16},
      {"wav24", 44100, "WAV (Microsoft) / Signed 24 bit PCM", k24},
      {"wav32", 44100, "WAV (Microsoft) / Signed 32 bit PCM", k32},
      {"wav_float", 44100, "WAV (Microsoft) / 32 bit float", 0},
      {"au", 22050, "AU (Sun/NeXT) / Signed 16 bit PCM", k16},
      {"au_float", 22050, "AU (Sun/NeXT) / 32 bit float", 0},
      {"aiff", 44100, "AIFF (Apple/SGI) / Signed 16 bit PCM", k16},
      {"flac", 44100, "FLAC (Free Lossless Audio Codec) / Signed 16 bit PCM", k16},
      {"flac24", 48000, "FLAC (Free Lossless Audio Codec) / Signed 24 bit PCM", k24},
      {"ogg", 44100, "OGG (OGG Container format) / Vorbis", -1},
      {"opus", 48000, "OGG (OGG Container format) / Opus", -1},
      {"mp3", 44100, "MPEG-1/2 Audio / MPEG Layer III", -1},
  };
  return cases;
}

double correlation(const std::vector<float>& a, const std::vector<float>& b, std::size_t from, std::size_t to) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = from; i < to; ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

class RoundTripTest : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(RoundTripTest, DecodesWhatWasWritten) {
  const RoundTrip& c = GetParam();
  const std::size_t n = static_cast<std::size_t>(c.rate);  // 1 s: several read blocks
  std::vector<float> x = sine(440, 0.4, c.rate, n);
  const std::vector<float> overtone = sine(1234, 0.2, c.rate, n);
  for (std::size_t i = 0; i < n; ++i) x[i] += overtone[i];

  const std::string bytes = encode(x, 1, c.rate, c.format);
  const auto source = open_memory(bytes);
  EXPECT_EQ(source->info().sample_rate, c.rate);
  EXPECT_EQ(source->info().channels, 1);
  EXPECT_EQ(source->info().frames, static_cast<std::int64_t>(n));
  EXPECT_EQ(source->info().format, c.description);
  const std::vector<float> y = read_mono(*source);
  ASSERT_EQ(y.size(), n);
  if (c.max_error >= 0) {
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) worst = std::max(worst, static_cast<double>(std::fabs(x[i] - y[i])));
    EXPECT_LE(worst, c.max_error);
  } else {
    // Lossy codecs keep the waveform aligned (libsndfile removes the encoder
    // delay) but not exact; the first and last 100 ms hold the codec's ramps.
    EXPECT_GT(correlation(x, y, n / 10, n - n / 10), 0.99);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryWritableFormat, RoundTripTest, ::testing::ValuesIn(round_trips()),
                         [](const ::testing::TestParamInfo<RoundTrip>& info) { return info.param.format; });

TEST(Writer, RoundTripCoversEveryFormatItOffers) {
  std::vector<std::string> tested;
  for (const auto& c : round_trips()) tested.push_back(c.format);
  EXPECT_EQ(tested, writable_formats());
}

TEST(Writer, RejectsAnUnknownFormatName) {
  test::TempDir dir;
  EXPECT_THROW(write_audio(dir / "x.wav", {0.0f}, 1, 22050, "wav8"), UsageError);
}

TEST(Writer, FailedWriteLeavesNoFile) {
  test::TempDir dir;
  // Opus has no 44.1 kHz mode; libsndfile creates the file, then refuses.
  try {
    write_audio(dir / "x.opus", sine(440, 0.5, 44100, 4410), 1, 44100, "opus");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(describe(e).find("x.opus"), std::string::npos) << describe(e);
    EXPECT_NE(describe(e).find("Opus"), std::string::npos) << describe(e);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "x.opus"));
}

TEST(Writer, RejectsSamplesThatDoNotMakeWholeFrames) {
  test::TempDir dir;
  EXPECT_THROW(write_audio(dir / "x.wav", {0.1f, 0.2f, 0.3f}, 2, 22050, "wav16"), Error);
}

TEST(Writer, IntegerFormatsClipInsteadOfWrapping) {
  const std::vector<float> loud = {1.5f, -1.5f, 0.25f};
  const std::string bytes = encode(loud, 1, 8000, "wav16");
  const auto source = open_memory(bytes);
  const std::vector<float> y = read_mono(*source);
  ASSERT_EQ(y.size(), 3u);
  EXPECT_NEAR(y[0], 1.0f, 1e-4);
  EXPECT_NEAR(y[1], -1.0f, 1e-4);
  EXPECT_NEAR(y[2], 0.25f, 1e-4);
}

TEST(Writer, SameSamplesGiveTheSameBytes) {
  const std::vector<float> x = sine(300, 0.5, 22050, 22050);
  for (const std::string format : {"wav16", "wav_float", "au", "aiff", "flac"})
    EXPECT_EQ(encode(x, 1, 22050, format), encode(x, 1, 22050, format)) << format;
}

TEST(Writer, FloatWavKeepsNonFiniteValues) {
  const std::vector<float> x = {0.5f, std::nanf(""), INFINITY, -0.5f};
  const std::string bytes = encode(x, 1, 8000, "wav_float");
  const auto source = open_memory(bytes);
  const std::vector<float> y = read_mono(*source);
  ASSERT_EQ(y.size(), 4u);
  EXPECT_EQ(y[0], 0.5f);
  EXPECT_TRUE(std::isnan(y[1]));
  EXPECT_TRUE(std::isinf(y[2]));
  EXPECT_EQ(y[3], -0.5f);
}

}  // namespace
}  // namespace genre::audio
