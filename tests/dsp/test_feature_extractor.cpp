#include "dsp/feature_extractor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "common/error.h"
#include "dsp_test_util.h"

namespace genre::dsp {
namespace {

using test::expect_all_near;
using test::reference_floats;
using test::reference_matrix;

FeatureParams params(FeatureKind kind, PadMode mode, int n_mfcc = 13) {
  FeatureParams p;
  p.kind = kind;
  p.stft.pad_mode = mode;
  p.n_mfcc = n_mfcc;
  return p;
}

std::string reference_name(const std::string& signal, PadMode mode, const std::string& what) {
  return signal + (mode == PadMode::Reflect ? "/reflect_" : "/") + what + ".csv";
}

std::vector<float> run(FeatureExtractor& fx, const std::vector<float>& y) {
  std::vector<float> out(fx.frames(y.size()) * fx.dims());
  fx.compute(y.data(), y.size(), out.data());
  return out;
}

TEST(FeatureExtractor, LogMelMatchesLibrosa) {
  for (PadMode mode : {PadMode::Constant, PadMode::Reflect}) {
    auto fx = make_feature_extractor(params(FeatureKind::LogMel, mode));
    EXPECT_EQ(fx->dims(), 128u);
    for (const std::string& signal : genre::test::reference_signals()) {
      const std::vector<float> y = reference_floats(signal + "/signal.csv");
      ASSERT_EQ(fx->frames(y.size()), 130u);
      const std::string file = reference_name(signal, mode, "logmel_db");
      expect_all_near(run(*fx, y), reference_matrix(file), 1e-3, file);
    }
  }
}

TEST(FeatureExtractor, MfccMatchesLibrosa) {
  for (PadMode mode : {PadMode::Constant, PadMode::Reflect}) {
    for (int n_mfcc : {13, 20}) {
      auto fx = make_feature_extractor(params(FeatureKind::Mfcc, mode, n_mfcc));
      EXPECT_EQ(fx->dims(), static_cast<std::size_t>(n_mfcc));
      for (const std::string& signal : genre::test::reference_signals()) {
        const std::vector<float> y = reference_floats(signal + "/signal.csv");
        const std::string file = reference_name(signal, mode, "mfcc" + std::to_string(n_mfcc));
        expect_all_near(run(*fx, y), reference_matrix(file), 1e-3, file);
      }
    }
  }
}

// Padding only touches the edge frames: the two modes agree in the middle and
// differ at the ends.
TEST(FeatureExtractor, PadModeChangesOnlyEdgeFrames) {
  auto zeros = make_feature_extractor(params(FeatureKind::Mfcc, PadMode::Constant));
  auto reflect = make_feature_extractor(params(FeatureKind::Mfcc, PadMode::Reflect));
  const std::vector<float> y = reference_floats("noise/signal.csv");
  const std::vector<float> a = run(*zeros, y), b = run(*reflect, y);
  const std::size_t d = zeros->dims();
  EXPECT_GT(std::fabs(a[0] - b[0]), 1.0f);
  EXPECT_GT(std::fabs(a[129 * d] - b[129 * d]), 1.0f);
  for (std::size_t t = 3; t < 126; ++t)
    for (std::size_t k = 0; k < d; ++k) ASSERT_FLOAT_EQ(a[t * d + k], b[t * d + k]) << t << "," << k;
}

TEST(FeatureExtractor, ReusesItsStateWithoutLeakingBetweenSegments) {
  auto fx = make_feature_extractor(params(FeatureKind::Mfcc, PadMode::Constant));
  const std::vector<float> sine = reference_floats("sine/signal.csv");
  const std::vector<float> noise = reference_floats("noise/signal.csv");
  const std::vector<float> first = run(*fx, sine);
  run(*fx, noise);
  // A longer segment (5 s) grows the scratch; the 3-s result stays the same.
  std::vector<float> longer(noise);
  longer.insert(longer.end(), sine.begin(), sine.begin() + 44100);
  EXPECT_EQ(fx->frames(longer.size()), 1 + longer.size() / 512);
  const std::vector<float> long_out = run(*fx, longer);
  for (float v : long_out) ASSERT_TRUE(std::isfinite(v));
  EXPECT_EQ(run(*fx, sine), first);
}

// Shorter than n_fft, and shorter than the n_fft/2 padding: librosa pads and
// gives 1 + n/hop frames; reflection repeats itself over the short signal.
TEST(FeatureExtractor, HandlesSegmentsShorterThanAFrame) {
  const std::vector<float> chirp = reference_floats("chirp/signal.csv");
  for (PadMode mode : {PadMode::Constant, PadMode::Reflect}) {
    for (FeatureKind kind : {FeatureKind::Mfcc, FeatureKind::LogMel}) {
      auto fx = make_feature_extractor(params(kind, mode));
      for (std::size_t n : {1u, 2u, 300u, 1024u, 2000u}) {
        const std::vector<float> y(chirp.begin(), chirp.begin() + static_cast<std::ptrdiff_t>(n));
        const std::vector<float> out = run(*fx, y);
        ASSERT_EQ(out.size(), (1 + n / 512) * fx->dims());
        for (float v : out) ASSERT_TRUE(std::isfinite(v)) << to_string(mode) << " n " << n;
      }
    }
  }
}

TEST(FeatureExtractor, RejectsAnEmptySegment) {
  auto fx = make_feature_extractor(FeatureParams{});
  std::vector<float> out(fx->frames(0) * fx->dims());
  const float none = 0.0f;
  EXPECT_THROW(fx->compute(&none, 0, out.data()), Error);
}

TEST(FeatureExtractor, RejectsInvalidParameters) {
  auto bad = [](auto edit) {
    FeatureParams p;
    edit(p);
    return p;
  };
  EXPECT_THROW(make_feature_extractor(bad([](FeatureParams& p) { p.n_mfcc = 129; })), UsageError);
  EXPECT_THROW(make_feature_extractor(bad([](FeatureParams& p) { p.n_mfcc = 0; })), UsageError);
  EXPECT_THROW(make_feature_extractor(bad([](FeatureParams& p) { p.n_mels = 0; })), UsageError);
  EXPECT_THROW(make_feature_extractor(bad([](FeatureParams& p) { p.top_db = -1.0; })), UsageError);
  EXPECT_THROW(make_feature_extractor(bad([](FeatureParams& p) { p.stft.n_fft = 1000 + 1; })), UsageError);
  EXPECT_THROW(make_feature_extractor(bad([](FeatureParams& p) { p.stft.hop_length = 0; })), UsageError);
  EXPECT_THROW(make_feature_extractor(bad([](FeatureParams& p) { p.stft.n_fft = 8; })), UsageError);
  EXPECT_THROW(make_feature_extractor(bad([](FeatureParams& p) { p.stft.sample_rate = 0; })), UsageError);
  // n_mfcc does not constrain a log-mel extractor.
  EXPECT_NO_THROW(make_feature_extractor(bad([](FeatureParams& p) {
    p.kind = FeatureKind::LogMel;
    p.n_mfcc = 500;
  })));
  // top_db = infinity: no clipping (librosa's top_db=None).
  EXPECT_NO_THROW(make_feature_extractor(bad([](FeatureParams& p) {
    p.top_db = std::numeric_limits<double>::infinity();
  })));
}

TEST(FeatureExtractor, ShapeWithoutSetUpAgreesWithTheExtractor) {
  for (const FeatureKind kind : {FeatureKind::Mfcc, FeatureKind::LogMel})
    for (const int hop : {512, 300}) {
      FeatureParams p;
      p.kind = kind;
      p.n_mfcc = 20;
      p.n_mels = 64;
      p.stft.hop_length = hop;
      const auto fx = make_feature_extractor(p);
      for (const std::size_t n : {std::size_t{1}, std::size_t{511}, std::size_t{66150}, std::size_t{66149}}) {
        const FeatureShape shape = feature_shape(p, n);
        EXPECT_EQ(shape.frames, fx->frames(n)) << to_string(kind) << " hop " << hop << " n " << n;
        EXPECT_EQ(shape.dims, fx->dims()) << to_string(kind);
      }
    }
  FeatureParams bad;
  bad.n_mfcc = 129;
  EXPECT_THROW(feature_shape(bad, 100), UsageError);
}

TEST(FeatureParams, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(parse_pad_mode("constant"), PadMode::Constant);
  EXPECT_EQ(parse_pad_mode("reflect"), PadMode::Reflect);
  EXPECT_EQ(parse_pad_mode(to_string(PadMode::Reflect)), PadMode::Reflect);
  EXPECT_EQ(parse_feature_kind("mfcc"), FeatureKind::Mfcc);
  EXPECT_EQ(parse_feature_kind("logmel"), FeatureKind::LogMel);
  EXPECT_EQ(parse_feature_kind(to_string(FeatureKind::LogMel)), FeatureKind::LogMel);
  for (const char* bad : {"zeros", "Reflect", "", "edge"}) EXPECT_THROW(parse_pad_mode(bad), UsageError) << bad;
  for (const char* bad : {"MFCC", "mel", "", "log-mel"}) EXPECT_THROW(parse_feature_kind(bad), UsageError) << bad;
  try {
    parse_pad_mode("zeros");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("zeros"), std::string::npos);
  }
}

}  // namespace
}  // namespace genre::dsp
