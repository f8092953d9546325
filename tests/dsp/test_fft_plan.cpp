#include "dsp/fft_plan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "common/error.h"

namespace genre::dsp {
namespace {

std::vector<float> random_signal(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(n);
  for (auto& v : x) v = u(rng);
  return x;
}

// The DFT by its definition, in double: the oracle.
std::vector<std::complex<double>> naive_rfft(const std::vector<float>& x) {
  const std::size_t n = x.size();
  const double pi = std::acos(-1.0);
  std::vector<std::complex<double>> X(n / 2 + 1);
  for (std::size_t k = 0; k < X.size(); ++k)
    for (std::size_t i = 0; i < n; ++i)
      X[k] += static_cast<double>(x[i]) * std::polar(1.0, -2.0 * pi * static_cast<double>(k * i % n) / n);
  return X;
}

template <class Real>
class FftPrecision : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FftPrecision, Precisions);

TYPED_TEST(FftPrecision, ForwardMatchesTheDftDefinition) {
  for (std::size_t n : {8u, 2048u}) {
    ForwardFft<TypeParam> fft(n);
    EXPECT_EQ(fft.size(), n);
    EXPECT_EQ(fft.bins(), n / 2 + 1);
    const std::vector<float> x = random_signal(n, 7);
    std::copy(x.begin(), x.end(), fft.input());
    fft.execute();
    const auto expected = naive_rfft(x);
    // FFT rounding grows like eps * sqrt(log n) * |x|, with |x| ~ sqrt(n / 3).
    const double eps = std::numeric_limits<TypeParam>::epsilon();
    const double tol = 100 * eps * std::sqrt(static_cast<double>(n));
    for (std::size_t k = 0; k < fft.bins(); ++k) {
      EXPECT_NEAR(fft.output()[k].real(), expected[k].real(), tol) << "n " << n << " bin " << k;
      EXPECT_NEAR(fft.output()[k].imag(), expected[k].imag(), tol) << "n " << n << " bin " << k;
    }
  }
}

TYPED_TEST(FftPrecision, ForwardIsRepeatableAcrossCalls) {
  ForwardFft<TypeParam> fft(2048);
  const std::vector<float> x = random_signal(2048, 3);
  std::copy(x.begin(), x.end(), fft.input());
  fft.execute();
  const std::vector<std::complex<TypeParam>> first(fft.output(), fft.output() + fft.bins());
  std::copy(x.begin(), x.end(), fft.input());
  fft.execute();
  for (std::size_t k = 0; k < fft.bins(); ++k) ASSERT_EQ(fft.output()[k], first[k]) << k;
}

TYPED_TEST(FftPrecision, InverseUndoesTheForwardTransformTimesN) {
  const std::size_t n = 2048;
  ForwardFft<TypeParam> fwd(n);
  InverseFft<TypeParam> inv(n);
  EXPECT_EQ(inv.size(), n);
  EXPECT_EQ(inv.bins(), fwd.bins());
  const std::vector<float> x = random_signal(n, 11);
  std::copy(x.begin(), x.end(), fwd.input());
  fwd.execute();
  std::copy(fwd.output(), fwd.output() + fwd.bins(), inv.input());
  inv.execute();
  const double tol = 100 * std::numeric_limits<TypeParam>::epsilon();
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(inv.output()[i] / static_cast<TypeParam>(n), x[i], tol) << i;
}

TYPED_TEST(FftPrecision, PlansRejectOddOrTinySizes) {
  EXPECT_THROW(ForwardFft<TypeParam>(0), Error);
  EXPECT_THROW(ForwardFft<TypeParam>(1), Error);
  EXPECT_THROW(ForwardFft<TypeParam>(2047), Error);
  EXPECT_THROW(InverseFft<TypeParam>(2047), Error);
}

TEST(FftwArrays, AreZeroedAndAligned) {
  auto f = make_fftw_array<float>(1025);
  auto c = make_fftw_array<std::complex<double>>(1025);
  for (std::size_t i = 0; i < 1025; ++i) {
    ASSERT_EQ(f[i], 0.0f);
    ASSERT_EQ(c[i], std::complex<double>(0.0, 0.0));
  }
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(f.get()) % 16, 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(c.get()) % 16, 0u);
}

}  // namespace
}  // namespace genre::dsp
