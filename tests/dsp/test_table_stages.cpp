// Each stage of the feature table against librosa 0.9.2's outputs for the
// three reference signals (shared/reference/librosa, tolerances from its README).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "dsp/chroma.h"
#include "dsp/feature_extractor.h"
#include "dsp/hpss.h"
#include "dsp/onset.h"
#include "dsp/spectral.h"
#include "dsp/tempo.h"
#include "table_test_util.h"

namespace genre::dsp {
namespace {

using test::expect_all_near;
using test::reference_floats;
using test::reference_matrix;
using test::reference_name;
using test::spectra_of;

constexpr int kRate = 22050, kFft = 2048, kHop = 512;

std::vector<float> signal(const std::string& name) { return reference_floats(name + "/signal.csv"); }

// Relative error per element (absolute below `floor`), worst reported.
void expect_relative(const std::vector<double>& actual, const genre::test::Matrix& expected, double rel, double floor,
                     const std::string& what) {
  ASSERT_EQ(actual.size(), expected.values.size()) << what;
  double worst = 0.0;
  std::size_t at = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double e = expected.values[i];
    const double err = std::fabs(actual[i] - e) / std::max(std::fabs(e), floor);
    if (!(err <= worst)) worst = err, at = i;
  }
  EXPECT_LE(worst, rel) << what << ": worst at " << at << ": got " << actual[at] << ", expected "
                        << expected.values[at];
}

TEST(SpectralShape, CentroidBandwidthRolloffMatchLibrosa) {
  SpectralShapeAnalyzer analyzer(kRate, kFft);
  const double bin_hz = static_cast<double>(kRate) / kFft;
  for (const std::string& name : genre::test::reference_signals()) {
    const test::Spectra s = spectra_of(signal(name), PadMode::Constant);
    std::vector<double> centroid, bandwidth, rolloff;
    for (std::size_t t = 0; t < s.frames; ++t) {
      const SpectralShape shape = analyzer.analyze(s.magnitude.data() + t * s.bins);
      centroid.push_back(shape.centroid);
      bandwidth.push_back(shape.bandwidth);
      rolloff.push_back(shape.rolloff);
    }
    expect_relative(centroid, reference_matrix(name + "/spectral_centroid.csv"), 1e-4, 1.0, name + " centroid");
    expect_relative(bandwidth, reference_matrix(name + "/spectral_bandwidth.csv"), 1e-4, 1.0, name + " bandwidth");
    // Rolloff: the same bin, or one bin off where the 85% threshold is a tie.
    const genre::test::Matrix ref = reference_matrix(name + "/spectral_rolloff.csv");
    std::size_t off_by_one = 0;
    for (std::size_t t = 0; t < s.frames; ++t) {
      const double bins_off = std::fabs(rolloff[t] - ref.values[t]) / bin_hz;
      EXPECT_LE(bins_off, 1.0 + 1e-9) << name << " rolloff frame " << t;
      off_by_one += bins_off > 0.5;
    }
    EXPECT_LE(off_by_one, 2u) << name << ": rolloff off by a bin in more than a couple of frames";
  }
}

TEST(SpectralShape, SilentFrameGivesZeros) {
  SpectralShapeAnalyzer analyzer(kRate, kFft);
  const std::vector<float> zeros(1025, 0.0f);
  const SpectralShape s = analyzer.analyze(zeros.data());
  EXPECT_EQ(s.centroid, 0.0);
  EXPECT_EQ(s.bandwidth, 0.0);
  EXPECT_EQ(s.rolloff, 0.0);
}

TEST(ZeroCrossingRate, MatchesLibrosa) {
  for (const std::string& name : genre::test::reference_signals()) {
    const std::vector<float> y = signal(name);
    std::vector<double> zcr(1 + y.size() / kHop);
    zero_crossing_rate(y.data(), y.size(), kFft, kHop, zcr.data());
    const genre::test::Matrix ref = reference_matrix(name + "/zero_crossing_rate.csv");
    ASSERT_EQ(zcr.size(), ref.values.size());
    for (std::size_t t = 0; t < zcr.size(); ++t) EXPECT_NEAR(zcr[t], ref.values[t], 1e-5) << name << " frame " << t;
  }
}

TEST(Rms, MatchesLibrosaInBothPadModes) {
  for (PadMode mode : {PadMode::Constant, PadMode::Reflect})
    for (const std::string& name : genre::test::reference_signals()) {
      const std::vector<float> y = signal(name);
      std::vector<float> r(1 + y.size() / kHop);
      rms(y.data(), y.size(), kFft, kHop, mode, r.data());
      const std::string file = reference_name(name, mode, "rms");
      expect_all_near(r, reference_matrix(file), 1e-5, file);
    }
}

TEST(Chroma, FilterbankMatchesLibrosaForTheRecordedTuning) {
  for (const std::string& name : genre::test::reference_signals()) {
    const double tuning = reference_matrix(name + "/chroma_tuning.csv").values.at(0);
    const std::vector<float> bank = chroma_filterbank(kRate, kFft, tuning);
    expect_all_near(bank, reference_matrix(name + "/chroma_filterbank.csv"), 1e-6, name + " chroma filter bank");
  }
}

TEST(Chroma, TuningEstimateMatchesLibrosa) {
  for (const std::string& name : genre::test::reference_signals()) {
    const double expected = reference_matrix(name + "/chroma_tuning.csv").values.at(0);
    // From librosa's own power spectrogram (the exact input) ...
    const genre::test::Matrix power = reference_matrix(name + "/power_spectrogram.csv");
    const std::vector<float> p(power.values.begin(), power.values.end());
    EXPECT_NEAR(estimate_tuning(p.data(), power.rows, kRate, kFft).value, expected, 1e-12) << name << " (librosa's S)";
    // ... and from ours.
    const test::Spectra s = spectra_of(signal(name), PadMode::Constant);
    const Tuning t = estimate_tuning(s.power.data(), s.frames, kRate, kFft);
    EXPECT_NEAR(t.value, expected, 1e-12) << name;
    EXPECT_NEAR(t.value, -0.5 + 0.01 * t.bin, 1e-12);
  }
}

TEST(Chroma, MatchesLibrosaGivenTheRecordedTuning) {
  Chroma chroma(kRate, kFft);
  for (const std::string& name : genre::test::reference_signals()) {
    const double value = reference_matrix(name + "/chroma_tuning.csv").values.at(0);
    const Tuning tuning{value, static_cast<int>(std::lround((value + 0.5) / 0.01))};
    const test::Spectra s = spectra_of(signal(name), PadMode::Constant);
    std::vector<float> out(s.frames * 12);
    chroma.compute(s.power.data(), s.frames, tuning, out.data());
    expect_all_near(out, reference_matrix(name + "/chroma_stft.csv"), 1e-4, name + " chroma");
    // And with the tuning it estimates itself (the same here, see above).
    std::vector<float> estimated(out.size());
    chroma.compute(s.power.data(), s.frames, estimated.data());
    expect_all_near(estimated, reference_matrix(name + "/chroma_stft.csv"), 1e-4, name + " chroma, own tuning");
  }
}

TEST(Hpss, HarmonicAndPercussiveMatchLibrosa) {
  StftParams params;
  Hpss hpss(params);
  for (const std::string& name : genre::test::reference_signals()) {
    const std::vector<float> y = signal(name);
    const test::Spectra s = spectra_of(y, PadMode::Constant);
    std::vector<float> harmonic(y.size()), percussive(y.size());
    hpss.separate(s.complex.data(), s.magnitude.data(), s.frames, y.data(), y.size(), harmonic.data(),
                  percussive.data());
    const genre::test::Matrix h = reference_matrix(name + "/hpss_harmonic.csv");
    const genre::test::Matrix p = reference_matrix(name + "/hpss_percussive.csv");
    if (name != "noise") {
      expect_all_near(harmonic, h, 1e-4, name + " harmonic");
      expect_all_near(percussive, p, 1e-4, name + " percussive");
      continue;
    }
    // Noise: median ties make single samples fragile; compare moments.
    auto moments = [](const std::vector<double>& v) {
      double m = 0, q = 0;
      for (double x : v) m += x;
      m /= static_cast<double>(v.size());
      for (double x : v) q += (x - m) * (x - m);
      return std::pair<double, double>(m, q / static_cast<double>(v.size()));
    };
    for (const auto& [mine, ref, what] :
         {std::tuple(&harmonic, &h, "harmonic"), std::tuple(&percussive, &p, "percussive")}) {
      const auto a = moments(std::vector<double>(mine->begin(), mine->end()));
      const auto b = moments(ref->values);
      EXPECT_NEAR(a.first, b.first, 1e-6) << what;
      EXPECT_NEAR(a.second, b.second, 1e-3 * b.second) << what;
    }
  }
}

TEST(Onset, StrengthMatchesLibrosaFromItsLogMelAndFromOurs) {
  for (PadMode mode : {PadMode::Constant, PadMode::Reflect})
    for (const std::string& name : genre::test::reference_signals()) {
      const genre::test::Matrix log_mel = reference_matrix(reference_name(name, mode, "logmel_db"));
      const std::vector<float> lm(log_mel.values.begin(), log_mel.values.end());
      std::vector<float> env(log_mel.rows);
      onset_strength(lm.data(), log_mel.rows, log_mel.cols, kFft, kHop, env.data());
      const genre::test::Matrix ref = reference_matrix(reference_name(name, mode, "onset_strength"));
      // Same input, same float32 arithmetic in numpy's order: bit for bit.
      for (std::size_t t = 0; t < env.size(); ++t)
        ASSERT_EQ(env[t], static_cast<float>(ref.values[t])) << name << " frame " << t;
      // From our own log-mel: 1e-3 relative (of the envelope's peak where it is ~0).
      FeatureParams fp;
      fp.kind = FeatureKind::LogMel;
      fp.stft.pad_mode = mode;
      auto fx = make_feature_extractor(fp);
      const std::vector<float> y = signal(name);
      std::vector<float> ours(fx->frames(y.size()) * fx->dims()), env_ours(log_mel.rows);
      fx->compute(y.data(), y.size(), ours.data());
      onset_strength(ours.data(), log_mel.rows, log_mel.cols, kFft, kHop, env_ours.data());
      double peak = 0;
      for (double v : ref.values) peak = std::max(peak, std::fabs(v));
      for (std::size_t t = 0; t < env.size(); ++t)
        EXPECT_NEAR(env_ours[t], ref.values[t], 1e-3 * std::max(std::fabs(ref.values[t]), 1e-2 * peak))
            << name << " frame " << t;
    }
}

TEST(Tempo, MatchesLibrosaExactlyFromItsOnsetEnvelope) {
  TempoEstimator tempo(TempoParams{});
  EXPECT_EQ(tempo.window(), 344u);
  for (PadMode mode : {PadMode::Constant, PadMode::Reflect})
    for (const std::string& name : genre::test::reference_signals()) {
      const std::vector<float> env = reference_floats(reference_name(name, mode, "onset_strength"));
      const double expected = reference_matrix(reference_name(name, mode, "tempo")).values.at(0);
      EXPECT_NEAR(tempo.estimate(env.data(), env.size()), expected, 1e-5) << name;
    }
}

TEST(Tempo, ConstantEnvelopeHasNoPreferredLagBeyondThePrior) {
  // A flat envelope's windows differ only by the ramps; the pick stays
  // inside the allowed range (below max_tempo 320 BPM) and is finite.
  TempoEstimator tempo(TempoParams{});
  const std::vector<float> env(1000, 1.0f);
  const double bpm = tempo.estimate(env.data(), env.size());
  EXPECT_TRUE(std::isfinite(bpm));
  EXPECT_LT(bpm, 320.0);
}

}  // namespace
}  // namespace genre::dsp
