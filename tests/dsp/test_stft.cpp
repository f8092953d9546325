#include "dsp/stft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <vector>

#include "common/error.h"
#include "dsp_test_util.h"

namespace genre::dsp {
namespace {

using test::expect_relative_above_floor;
using test::reference_floats;
using test::reference_matrix;

StftParams params_with(PadMode mode) {
  StftParams p;
  p.pad_mode = mode;
  return p;
}

// numpy.pad(x, pad, mode) ported from numpy 1.24's own algorithm (repeated
// reflection in chunks, see numpy/lib/arraypad.py _set_reflect_both), an
// oracle independent of the library's closed-form index.
std::vector<float> numpy_pad(const std::vector<float>& x, std::size_t pad, PadMode mode) {
  std::vector<float> p(x.size() + 2 * pad, 0.0f);
  std::copy(x.begin(), x.end(), p.begin() + static_cast<std::ptrdiff_t>(pad));
  if (mode == PadMode::Constant) return p;
  if (x.size() == 1) {  // numpy's legacy singleton case: edge values
    std::fill(p.begin(), p.end(), x[0]);
    return p;
  }
  std::ptrdiff_t left = static_cast<std::ptrdiff_t>(pad), right = left;
  const auto size = static_cast<std::ptrdiff_t>(p.size());
  while (left > 0 || right > 0) {
    const std::ptrdiff_t old_length = size - right - left - 1;
    if (left > 0) {
      const std::ptrdiff_t chunk = std::min(old_length, left);
      for (std::ptrdiff_t j = 0; j < chunk; ++j) p[left - 1 - j] = p[left + 1 + j];
      left -= chunk;
    }
    if (right > 0) {
      const std::ptrdiff_t chunk = std::min(old_length, right);
      const std::ptrdiff_t edge = size - right - 1;  // last filled sample
      for (std::ptrdiff_t j = 0; j < chunk; ++j) p[edge + 1 + j] = p[edge - 1 - j];
      right -= chunk;
    }
  }
  return p;
}

// librosa.stft by its definition, in double: pad, window, DFT.
std::vector<std::complex<double>> naive_stft_frame(const std::vector<float>& x, std::size_t t, PadMode mode) {
  const std::size_t n_fft = 2048, hop = 512;
  const std::vector<float> padded = numpy_pad(x, n_fft / 2, mode);
  const std::vector<double> w = periodic_hann(n_fft);
  const double pi = std::acos(-1.0);
  std::vector<std::complex<double>> twiddle(n_fft);
  for (std::size_t j = 0; j < n_fft; ++j) twiddle[j] = std::polar(1.0, -2.0 * pi * static_cast<double>(j) / n_fft);
  std::vector<std::complex<double>> X(n_fft / 2 + 1);
  for (std::size_t k = 0; k < X.size(); ++k)
    for (std::size_t i = 0; i < n_fft; ++i) X[k] += w[i] * padded[t * hop + i] * twiddle[k * i % n_fft];
  return X;
}

std::vector<float> noise(std::size_t n) {
  std::vector<float> x(n);
  std::uint32_t s = 12345;
  for (auto& v : x) {
    s = s * 1664525u + 1013904223u;
    v = static_cast<float>(s >> 8) / static_cast<float>(1u << 24) - 0.5f;
  }
  return x;
}

TEST(PeriodicHann, IsScipysFftbinsWindow) {
  const std::vector<double> w = periodic_hann(2048);
  ASSERT_EQ(w.size(), 2048u);
  EXPECT_EQ(w[0], 0.0);
  EXPECT_DOUBLE_EQ(w[1024], 1.0);
  EXPECT_DOUBLE_EQ(w[512], 0.5);
  for (std::size_t i = 1; i < 2048; ++i) ASSERT_NEAR(w[i], w[2048 - i], 1e-15) << i;  // periodic, not symmetric
  const double pi = std::acos(-1.0);
  for (std::size_t i = 0; i < 2048; ++i) ASSERT_NEAR(w[i], 0.5 - 0.5 * std::cos(2.0 * pi * i / 2048.0), 1e-15) << i;
}

TEST(PaddedSample, MatchesNumpyPadExamples) {
  // numpy.pad([1, 2, 3, 4, 5], (2, 3), "reflect") == [3, 2, 1, 2, 3, 4, 5, 4, 3, 2]
  const std::vector<float> five{1, 2, 3, 4, 5};
  const std::vector<float> want5{3, 2, 1, 2, 3, 4, 5, 4, 3, 2};
  for (std::ptrdiff_t p = -2; p < 8; ++p)
    EXPECT_EQ(padded_sample(five.data(), 5, p, PadMode::Reflect), want5[p + 2]) << p;
  // A pad longer than the signal reflects again and again:
  // numpy.pad([1, 2, 3], 5, "reflect") == [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2]
  const std::vector<float> three{1, 2, 3};
  const std::vector<float> want3{2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2};
  for (std::ptrdiff_t p = -5; p < 8; ++p)
    EXPECT_EQ(padded_sample(three.data(), 3, p, PadMode::Reflect), want3[p + 5]) << p;
  // numpy.pad([7], 2, "reflect") == [7, 7, 7, 7, 7] (numpy's singleton special case)
  const float one = 7;
  for (std::ptrdiff_t p = -2; p < 3; ++p) EXPECT_EQ(padded_sample(&one, 1, p, PadMode::Reflect), 7.0f) << p;
  for (std::ptrdiff_t p : {-3, -1, 5, 9}) EXPECT_EQ(padded_sample(five.data(), 5, p, PadMode::Constant), 0.0f) << p;
}

TEST(PaddedSample, AgreesWithNumpysAlgorithmForEveryShortLength) {
  for (std::size_t n = 1; n <= 40; ++n) {
    const std::vector<float> x = noise(n);
    const std::size_t pad = 37;
    for (PadMode mode : {PadMode::Constant, PadMode::Reflect}) {
      const std::vector<float> want = numpy_pad(x, pad, mode);
      for (std::size_t i = 0; i < want.size(); ++i)
        ASSERT_EQ(padded_sample(x.data(), n, static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(pad), mode),
                  want[i])
            << "n " << n << " position " << i << " mode " << to_string(mode);
    }
  }
}

TEST(Stft, CountsCentredFrames) {
  Stft stft(StftParams{});
  EXPECT_EQ(stft.n_fft(), 2048u);
  EXPECT_EQ(stft.hop(), 512u);
  EXPECT_EQ(stft.bins(), 1025u);
  EXPECT_EQ(stft.frames(66150), 130u);  // 1 + 66150 // 512
  EXPECT_EQ(stft.frames(66048), 130u);
  EXPECT_EQ(stft.frames(66047), 129u);
  EXPECT_EQ(stft.frames(512), 2u);
  EXPECT_EQ(stft.frames(511), 1u);
  EXPECT_EQ(stft.frames(1), 1u);
  EXPECT_EQ(stft.frames(661500), 1292u);
}

TEST(Stft, RejectsBadParameters) {
  StftParams odd;
  odd.n_fft = 2047;
  EXPECT_THROW(Stft{odd}, UsageError);
  StftParams no_hop;
  no_hop.hop_length = 0;
  EXPECT_THROW(Stft{no_hop}, UsageError);
}

TEST(Stft, RejectsEmptySegmentsAndFramesOutOfRange) {
  Stft stft(StftParams{});
  const std::vector<float> x(1000, 0.1f);
  EXPECT_THROW(stft.frame(x.data(), 0, 0), Error);
  EXPECT_THROW(stft.frame(x.data(), 1000, 2), Error);  // 1000 samples: frames 0 and 1
  EXPECT_NO_THROW(stft.frame(x.data(), 1000, 1));
}

// All three reference signals, zero padding (librosa >= 0.9) and reflection
// (librosa <= 0.8): np.abs(librosa.stft(y))**2.
TEST(Stft, PowerSpectrogramMatchesLibrosa) {
  for (PadMode mode : {PadMode::Constant, PadMode::Reflect}) {
    Stft stft(params_with(mode));
    for (const std::string& signal : genre::test::reference_signals()) {
      const std::vector<float> y = reference_floats(signal + "/signal.csv");
      ASSERT_EQ(y.size(), 66150u);
      std::vector<float> power(stft.frames(y.size()) * stft.bins());
      stft.power(y.data(), y.size(), power.data());
      const std::string file = signal + (mode == PadMode::Reflect ? "/reflect_" : "/") + "power_spectrogram.csv";
      const genre::test::Matrix expected = reference_matrix(file);
      ASSERT_EQ(expected.rows, 130u);
      ASSERT_EQ(expected.cols, 1025u);
      expect_relative_above_floor(power, expected, 1e-4, 1e-6, file);
    }
  }
}

TEST(Stft, SpectrogramFramesAndPowerAgree) {
  Stft stft(StftParams{});
  const std::vector<float> y = noise(5000);
  const std::size_t nf = stft.frames(y.size()), nb = stft.bins();
  std::vector<std::complex<float>> spec(nf * nb);
  std::vector<float> power(nf * nb), magnitude(nb);
  stft.spectrogram(y.data(), y.size(), spec.data());
  stft.power(y.data(), y.size(), power.data());
  for (std::size_t t = 0; t < nf; ++t) {
    const std::complex<double>* frame = stft.frame(y.data(), y.size(), t);
    magnitude_spectrum(frame, nb, magnitude.data());
    for (std::size_t k = 0; k < nb; ++k) {
      ASSERT_EQ(std::complex<float>(frame[k]), spec[t * nb + k]) << t << "," << k;
      ASSERT_FLOAT_EQ(power[t * nb + k], static_cast<float>(std::norm(frame[k]))) << t << "," << k;
      ASSERT_FLOAT_EQ(magnitude[k], static_cast<float>(std::abs(frame[k]))) << t << "," << k;
    }
  }
}

// Segments shorter than n_fft, and shorter than the n_fft/2 padding: librosa
// pads any non-empty signal (numpy reflects repeatedly when the pad is longer
// than the signal), so every frame must equal the DFT of the numpy-padded,
// windowed frame.
TEST(Stft, ShortSegmentsArePaddedLikeNumpy) {
  for (PadMode mode : {PadMode::Constant, PadMode::Reflect}) {
    Stft stft(params_with(mode));
    for (std::size_t n : {1u, 2u, 3u, 100u, 700u, 1024u, 1025u, 1500u, 2047u, 2600u}) {
      const std::vector<float> x = noise(n);
      ASSERT_EQ(stft.frames(n), 1 + n / 512);
      for (std::size_t t = 0; t < stft.frames(n); ++t) {
        const std::complex<double>* got = stft.frame(x.data(), n, t);
        const auto want = naive_stft_frame(x, t, mode);
        double scale = 1e-3;
        for (const auto& v : want) scale = std::max(scale, std::abs(v));
        for (std::size_t k = 0; k < want.size(); ++k)
          ASSERT_LT(std::abs(got[k] - want[k]), 1e-12 * scale)
              << to_string(mode) << " n " << n << " frame " << t << " bin " << k;
      }
    }
  }
}

}  // namespace
}  // namespace genre::dsp
