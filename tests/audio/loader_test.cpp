// load_for_analysis: good files come out mono at the target rate; every kind
// of bad file is refused with its own one-line reason.
#include "audio/loader.h"

#include <gtest/gtest.h>

#include <cmath>

#include "audio/audio_test_util.h"

namespace genre::audio {
namespace {

using test::encode;
using test::sine;

constexpr int kRate = 22050;
constexpr std::size_t kThreeSeconds = 66150;

// The reason load_for_analysis gives, checked to be one line.
std::string reason(const std::string& bytes) {
  try {
    load_for_analysis(bytes, kRate, kThreeSeconds);
  } catch (const BadAudio& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_FALSE(what.empty());
    return what;
  }
  ADD_FAILURE() << "the file was accepted";
  return "";
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string cut(std::string bytes, double keep) {
  bytes.resize(static_cast<std::size_t>(static_cast<double>(bytes.size()) * keep));
  return bytes;
}

std::vector<float> music(int rate, double seconds) {
  std::vector<float> x = sine(220, 0.3, rate, static_cast<std::size_t>(seconds * rate));
  const std::vector<float> y = sine(331, 0.2, rate, x.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += y[i];
  return x;
}

TEST(Loader, GoodStereoFileBecomesMonoAtTheTargetRate) {
  std::vector<float> stereo;
  for (float s : music(44100, 4)) stereo.insert(stereo.end(), {s, 0.5f * s});
  const LoadedAudio a = load_for_analysis(encode(stereo, 2, 44100, "wav16"), kRate, kThreeSeconds);
  EXPECT_EQ(a.source_rate, 44100);
  EXPECT_EQ(a.source_channels, 2);
  EXPECT_DOUBLE_EQ(a.duration_s, 4.0);
  EXPECT_EQ(a.samples.size(), 88200u);
}

TEST(Loader, ExactlyTheMinimumLengthIsEnough) {
  const LoadedAudio a = load_for_analysis(encode(music(kRate, 3), 1, kRate, "flac"), kRate, kThreeSeconds);
  EXPECT_EQ(a.samples.size(), kThreeSeconds);
}

TEST(Loader, EmptyFile) { EXPECT_EQ(reason(""), "empty file (0 bytes)"); }

TEST(Loader, TextFileIsNotAudio) {
  const std::string r = reason("Just some text that pretends to be a WAV file.\n");
  EXPECT_TRUE(starts_with(r, "not audio or an unsupported format")) << r;
  EXPECT_NE(r.find("Format not recognised"), std::string::npos) << r;  // libsndfile's own words
}

TEST(Loader, DamagedWavHeaderIsNotAudio) {
  const std::string wav = encode(music(kRate, 4), 1, kRate, "wav16");
  const std::string r = reason(wav.substr(0, 30));  // cut inside the fmt chunk
  EXPECT_TRUE(starts_with(r, "not audio")) << r;
}

// WAV, AU and AIFF: libsndfile shrinks the frame count silently; the header
// check catches it whether the cut falls on a sample boundary or not.
class TruncatedContainer : public ::testing::TestWithParam<std::string> {};

TEST_P(TruncatedContainer, IsReportedAsTruncated) {
  const std::string bytes = encode(music(kRate, 4), 1, kRate, GetParam());
  for (const double keep : {0.6, 0.6001, 0.999}) {
    const std::string r = reason(cut(bytes, keep));
    EXPECT_TRUE(starts_with(r, "truncated: the header declares 176400 bytes of audio data")) << keep << ": " << r;
  }
}

INSTANTIATE_TEST_SUITE_P(Pcm, TruncatedContainer, ::testing::Values("wav16", "au", "aiff"));

TEST(Loader, WavHeaderWithoutDataIsTruncated) {
  const std::string wav = encode(music(kRate, 4), 1, kRate, "wav16");
  const std::string r = reason(wav.substr(0, 44));
  EXPECT_EQ(r, "truncated: the header declares 176400 bytes of audio data, the file holds 0 (0%)");
}

TEST(Loader, TruncatedFlacIsReported) {
  const std::string flac = encode(music(kRate, 4), 1, kRate, "flac");
  for (const double keep : {0.3, 0.5, 0.9}) {
    const std::string r = reason(cut(flac, keep));
    EXPECT_TRUE(starts_with(r, "truncated")) << keep << ": " << r;
    EXPECT_NE(r.find("of 88200 frames"), std::string::npos) << r;
  }
}

TEST(Loader, TruncatedOggIsReported) {
  const std::string ogg = encode(music(kRate, 4), 1, kRate, "ogg");
  const std::string r = reason(cut(ogg, 0.7));
  EXPECT_TRUE(starts_with(r, "truncated")) << r;
}

TEST(Loader, StreamingWavWithOpenSizesIsNotTruncated) {
  // Writers that stream put 0xFFFFFFFF in the RIFF and data sizes.
  std::string wav = encode(music(kRate, 4), 1, kRate, "wav16");
  ASSERT_EQ(wav.substr(36, 4), "data");
  for (const std::size_t at : {4u, 40u}) wav.replace(at, 4, "\xFF\xFF\xFF\xFF");
  EXPECT_EQ(load_for_analysis(wav, kRate, kThreeSeconds).samples.size(), 88200u);
}

TEST(Loader, ChunksAfterTheDataDoNotConfuseTheHeaderCheck) {
  std::string wav = encode(music(kRate, 4), 1, kRate, "wav16");
  wav += std::string("LIST\x04\x00\x00\x00INFO", 12);
  EXPECT_EQ(load_for_analysis(wav, kRate, kThreeSeconds).samples.size(), 88200u);
}

TEST(Loader, FlacWithGarbageDataIsCorrupt) {
  // Noise does not compress, so the FLAC is far larger than libFLAC's read
  // buffer and the decoder stops long before the end of the bytes.
  std::vector<float> noise(4 * kRate);
  std::uint32_t state = 1;
  for (float& s : noise) s = static_cast<float>((state = state * 1664525u + 1013904223u) >> 8) / 16777216.0f - 0.5f;
  std::string flac = encode(noise, 1, kRate, "flac");
  for (std::size_t i = 8192; i < flac.size(); ++i) flac[i] = static_cast<char>((state = state * 1664525u + 1013904223u) >> 24);
  const std::string r = reason(flac);
  EXPECT_TRUE(starts_with(r, "corrupt audio data after")) << r;
  EXPECT_NE(r.find("libsndfile:"), std::string::npos) << r;
}

TEST(Loader, NanSamplesAreReportedWithTheirTime) {
  std::vector<float> x = music(kRate, 4);
  x[kRate / 2] = std::nanf("");
  EXPECT_EQ(reason(encode(x, 1, kRate, "wav_float")), "contains NaN samples (first at 0.50 s)");
}

TEST(Loader, InfiniteSamplesAreReported) {
  std::vector<float> x = music(kRate, 4);
  x[3 * kRate] = -INFINITY;
  EXPECT_EQ(reason(encode(x, 1, kRate, "wav_float")), "contains infinite samples (first at 3.00 s)");
}

TEST(Loader, SilentFile) {
  EXPECT_EQ(reason(encode(std::vector<float>(4 * kRate, 0.0f), 1, kRate, "wav16")), "silent: every sample is zero");
}

TEST(Loader, ChannelsThatCancelAreSilent) {
  std::vector<float> stereo;
  for (float s : music(kRate, 4)) stereo.insert(stereo.end(), {s, -s});
  EXPECT_EQ(reason(encode(stereo, 2, kRate, "wav_float")), "silent: every sample is zero");
}

TEST(Loader, ShortFileGivesItsLengthAndTheMinimum) {
  EXPECT_EQ(reason(encode(music(44100, 2), 1, 44100, "wav16")),
            "too short: 2.00 s (44100 samples at 22050 Hz), the minimum is 3.00 s (66150 samples)");
}

TEST(Loader, SegmentCountDropsTheTail) {
  EXPECT_EQ(segment_count(661500, kThreeSeconds, kThreeSeconds), 10u);
  EXPECT_EQ(segment_count(661499, kThreeSeconds, kThreeSeconds), 9u);
  EXPECT_EQ(segment_count(100, 0, 0), 0u);
  // Kaggle's segments: 66149 samples every 66150, so one sample fewer still holds ten.
  EXPECT_EQ(segment_count(661499, kThreeSeconds, kThreeSeconds - 1), 10u);
  EXPECT_EQ(segment_count(661498, kThreeSeconds, kThreeSeconds - 1), 9u);
  EXPECT_EQ(segment_count(66148, kThreeSeconds, kThreeSeconds - 1), 0u);
}

}  // namespace
}  // namespace genre::audio
