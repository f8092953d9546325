#include "dsp/mel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "common/error.h"
#include "dsp/stft.h"
#include "dsp_test_util.h"

namespace genre::dsp {
namespace {

using test::expect_all_near;
using test::expect_relative_above_floor;
using test::reference_floats;
using test::reference_matrix;

TEST(MelScale, IsSlaneys) {
  EXPECT_DOUBLE_EQ(hz_to_mel(0.0), 0.0);
  EXPECT_DOUBLE_EQ(hz_to_mel(200.0 / 3), 1.0);  // linear part: 200/3 Hz per mel
  EXPECT_DOUBLE_EQ(hz_to_mel(1000.0), 15.0);
  EXPECT_NEAR(hz_to_mel(6400.0), 15.0 + 27.0, 1e-12);  // log part: x6.4 per 27 mels
  for (double hz : {0.0, 10.0, 440.0, 999.9, 1000.0, 4321.0, 11025.0})
    EXPECT_NEAR(mel_to_hz(hz_to_mel(hz)), hz, 1e-9 * (1.0 + hz)) << hz;
}

TEST(MelScale, FrequenciesMatchLibrosa) {
  const genre::test::Matrix expected = reference_matrix("mel_frequencies.csv");
  const std::vector<double> f = mel_frequencies(130, 0.0, 11025.0);
  ASSERT_EQ(f.size(), expected.values.size());
  for (std::size_t i = 0; i < f.size(); ++i)  // the CSV holds 9 significant digits
    EXPECT_NEAR(f[i], expected.values[i], 1e-8 * expected.values[i] + 1e-12) << i;
  EXPECT_EQ(f.back(), 11025.0);
}

TEST(MelScale, FftFrequenciesMatchLibrosa) {
  const genre::test::Matrix expected = reference_matrix("fft_frequencies.csv");
  const std::vector<double> f = fft_frequencies(22050, 2048);
  ASSERT_EQ(f.size(), 1025u);
  for (std::size_t k = 0; k < f.size(); ++k) EXPECT_NEAR(f[k], expected.values[k], 1e-8 * expected.values[k]) << k;
  EXPECT_EQ(f.back(), 11025.0);
}

TEST(MelFilterbank, MatchesLibrosa) {
  const MelFilterbank mel(22050, 2048, 128);
  EXPECT_EQ(mel.n_mels(), 128u);
  EXPECT_EQ(mel.bins(), 1025u);
  const genre::test::Matrix expected = reference_matrix("mel_filterbank.csv");
  ASSERT_EQ(expected.rows, 128u);
  ASSERT_EQ(expected.cols, 1025u);
  expect_all_near(mel.dense(), expected, 1e-6, "mel_filterbank.csv");
  // The float64 filterbank rounds to the same float32 weights, give or take
  // librosa's double rounding (triangle, then the Slaney scale).
  expect_all_near(mel.dense(), reference_matrix("mel_filterbank_float64.csv"), 1e-6, "mel_filterbank_float64.csv");
}

TEST(MelFilterbank, StoresEachTriangleAsOneShortRun) {
  const MelFilterbank mel(22050, 2048, 128);
  const genre::test::Matrix dense = reference_matrix("mel_filterbank.csv");
  std::size_t stored = 0;
  for (std::size_t m = 0; m < mel.n_mels(); ++m) {
    ASSERT_GT(mel.width(m), 0u) << m;
    EXPECT_EQ(mel.width(m) % MelFilterbank::kLanes, 0u) << m;
    EXPECT_LE(mel.first_bin(m) + mel.width(m), mel.bins()) << m;
    // Every non-zero weight of librosa's row lies inside the stored run.
    for (std::size_t k = 0; k < mel.bins(); ++k) {
      if (dense.at(m, k) != 0.0) {
        ASSERT_GE(k, mel.first_bin(m)) << m;
        ASSERT_LT(k, mel.first_bin(m) + mel.width(m)) << m;
      }
    }
    stored += mel.width(m);
  }
  // About two weights per FFT bin (plus the vector padding), not n_mels.
  EXPECT_LE(stored, 2 * mel.bins() + mel.n_mels() * MelFilterbank::kLanes);
}

TEST(MelFilterbank, SparseApplyEqualsDenseProduct) {
  const MelFilterbank mel(22050, 2048, 128);
  const std::vector<float> dense = mel.dense();
  std::mt19937 rng(5);
  std::exponential_distribution<float> power(1.0f);
  std::vector<float> spectrum(mel.bins()), out(mel.n_mels());
  for (auto& v : spectrum) v = power(rng);
  mel.apply(spectrum.data(), out.data());
  for (std::size_t m = 0; m < mel.n_mels(); ++m) {
    double want = 0.0;
    for (std::size_t k = 0; k < mel.bins(); ++k) want += double(dense[m * mel.bins() + k]) * spectrum[k];
    EXPECT_NEAR(out[m], want, 1e-5 * want) << m;
  }
}

TEST(MelFilterbank, OtherSizesStayConsistent) {
  // 40 bands at 16 kHz with a 512-point FFT: every band still non-empty.
  const MelFilterbank mel(16000, 512, 40);
  EXPECT_EQ(mel.bins(), 257u);
  EXPECT_EQ(mel.n_mels(), 40u);
  for (std::size_t m = 0; m < mel.n_mels(); ++m) EXPECT_GT(mel.width(m), 0u) << m;
  // Too many bands for the FFT resolution: librosa warns and leaves empty
  // filters, whose output is zero.
  const MelFilterbank crowded(22050, 256, 128);
  std::vector<float> spectrum(crowded.bins(), 1.0f), out(crowded.n_mels(), -1.0f);
  crowded.apply(spectrum.data(), out.data());
  std::size_t empty = 0;
  for (std::size_t m = 0; m < crowded.n_mels(); ++m) {
    if (crowded.width(m) == 0) {
      ++empty;
      EXPECT_EQ(out[m], 0.0f) << m;
    }
  }
  EXPECT_GT(empty, 0u);
}

TEST(MelFilterbank, RejectsBadSizes) {
  EXPECT_THROW(MelFilterbank(0, 2048, 128), UsageError);
  EXPECT_THROW(MelFilterbank(22050, 2047, 128), UsageError);
  EXPECT_THROW(MelFilterbank(22050, 2048, 0), UsageError);
  EXPECT_THROW(MelFilterbank(22050, 8, 2), UsageError);  // fewer bins than one vector step
}

// The stage on its own: the reference power spectrogram through the filterbank
// gives the reference mel spectrogram.
TEST(MelFilterbank, MapsReferencePowerToReferenceMelSpectrogram) {
  const MelFilterbank mel(22050, 2048, 128);
  for (const std::string& signal : genre::test::reference_signals()) {
    const std::vector<float> power = reference_floats(signal + "/power_spectrogram.csv");
    std::vector<float> out(130 * 128);
    for (std::size_t t = 0; t < 130; ++t) mel.apply(power.data() + t * 1025, out.data() + t * 128);
    expect_relative_above_floor(out, reference_matrix(signal + "/melspectrogram.csv"), 1e-4, 1e-6,
                                signal + "/melspectrogram.csv from the reference power");
  }
}

// End to end from the signal: librosa.feature.melspectrogram(y, sr).
TEST(MelFilterbank, MelSpectrogramFromSignalMatchesLibrosa) {
  const MelFilterbank mel(22050, 2048, 128);
  Stft stft(StftParams{});
  std::vector<float> power(stft.bins());
  for (const std::string& signal : genre::test::reference_signals()) {
    const std::vector<float> y = reference_floats(signal + "/signal.csv");
    const std::size_t nf = stft.frames(y.size());
    std::vector<float> out(nf * mel.n_mels());
    for (std::size_t t = 0; t < nf; ++t) {
      power_spectrum(stft.frame(y.data(), y.size(), t), stft.bins(), power.data());
      mel.apply(power.data(), out.data() + t * mel.n_mels());
    }
    expect_relative_above_floor(out, reference_matrix(signal + "/melspectrogram.csv"), 1e-4, 1e-6,
                                signal + "/melspectrogram.csv");
  }
}

}  // namespace
}  // namespace genre::dsp
