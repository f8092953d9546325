#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "common/error.h"
#include "dsp/db.h"
#include "dsp/dct.h"
#include "dsp_test_util.h"

namespace genre::dsp {
namespace {

using test::expect_all_near;
using test::reference_floats;
using test::reference_matrix;

TEST(FastDb, IsAsAccurateAsFloatAllows) {
  // Every 97th float from 1e-10 (power_to_db's amin) to 1e30. Within +-100 dB
  // the error stays under 2e-5 dB; beyond, float32's own spacing (3e-5 at
  // 300 dB) dominates, so allow a few ulps of the result.
  double worst = 0.0, worst_within_100 = 0.0;
  float worst_at = 0.0f;
  for (float x = 1e-10f; x < 1e30f;) {
    const double exact = 10.0 * std::log10(static_cast<double>(x));
    const double err = std::fabs(fast_db(x) - exact);
    if (std::fabs(exact) <= 100.0) worst_within_100 = std::max(worst_within_100, err);
    const double in_ulps = err / (std::fabs(exact) * 1.2e-7 + 1e-6);
    if (in_ulps > worst) worst = in_ulps, worst_at = x;
    std::uint32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    bits += 97;
    std::memcpy(&x, &bits, sizeof x);
  }
  EXPECT_LT(worst_within_100, 2e-5);
  EXPECT_LT(worst, 4.0) << "at " << worst_at;
  for (int e = -10; e <= 10; ++e)
    EXPECT_NEAR(fast_db(static_cast<float>(std::pow(10.0, e))), 10.0 * e, 2e-5) << e;
  EXPECT_EQ(fast_db(1.0f), 0.0f);
}

TEST(PowerToDb, ClipsAtAminAndTopDbBelowTheWholeArraysPeak) {
  std::vector<float> v{1.0f, 1e-3f, 1e-9f, 0.0f, 100.0f, 1e-12f};
  power_to_db(v.data(), v.size(), 80.0);
  // 10 log10(max(1e-10, v)), then max(., 20 - 80)
  const std::vector<float> want{0.0f, -30.0f, -60.0f, -60.0f, 20.0f, -60.0f};
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], want[i], 1e-5) << i;

  std::vector<float> unclipped{1.0f, 1e-9f, 0.0f};
  power_to_db(unclipped.data(), unclipped.size(), std::numeric_limits<double>::infinity());
  EXPECT_NEAR(unclipped[1], -90.0f, 1e-5);
  EXPECT_NEAR(unclipped[2], -100.0f, 1e-5);  // amin = 1e-10

  std::vector<float> silence(10, 0.0f);
  power_to_db(silence.data(), silence.size(), 80.0);
  for (float s : silence) EXPECT_NEAR(s, -100.0f, 1e-5);
}

// The stage on its own: librosa.power_to_db(reference mel spectrogram).
TEST(PowerToDb, MapsReferenceMelToReferenceLogMel) {
  for (const std::string& signal : genre::test::reference_signals()) {
    std::vector<float> mel = reference_floats(signal + "/melspectrogram.csv");
    power_to_db(mel.data(), mel.size(), 80.0);
    expect_all_near(mel, reference_matrix(signal + "/logmel_db.csv"), 1e-3, signal + "/logmel_db.csv");
  }
}

TEST(Dct, IsOrthonormal) {
  const Dct dct(128, 128);
  for (std::size_t a = 0; a < 128; ++a)
    for (std::size_t b = 0; b < 128; ++b) {
      double dot = 0.0;
      for (std::size_t i = 0; i < 128; ++i) dot += double(dct.row(a)[i]) * dct.row(b)[i];
      ASSERT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-6) << a << "," << b;
    }
  EXPECT_FLOAT_EQ(dct.row(0)[0], static_cast<float>(1.0 / std::sqrt(128.0)));
}

TEST(Dct, RejectsBadSizes) {
  EXPECT_THROW(Dct(128, 0), UsageError);
  EXPECT_THROW(Dct(128, 129), UsageError);
}

// The stage on its own: scipy.fftpack.dct(reference log-mel, norm="ortho")[:n].
TEST(Dct, MapsReferenceLogMelToReferenceMfcc) {
  for (std::size_t n_mfcc : {13u, 20u}) {
    const Dct dct(128, n_mfcc);
    for (const std::string& signal : genre::test::reference_signals()) {
      const std::vector<float> logmel = reference_floats(signal + "/logmel_db.csv");
      std::vector<float> out(130 * n_mfcc);
      dct.apply(logmel.data(), 130, out.data());
      const std::string file = signal + "/mfcc" + std::to_string(n_mfcc) + ".csv";
      expect_all_near(out, reference_matrix(file), 1e-3, file);
    }
  }
}

}  // namespace
}  // namespace genre::dsp
