#include "search/truncated_normal.h"

#include <cmath>
#include <limits>

namespace genre::search::truncnorm {

namespace {
constexpr double kSqrt2 = 1.4142135623730951;
constexpr double kLogSqrt2Pi = 0.91893853320467274;  // log(sqrt(2 pi))

// Acklam's rational approximation of the normal quantile (relative error
// 1.2e-9), polished below by Newton steps on log Phi.
double ndtri_rough(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double lo = 0.02425;
  if (p < lo) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) {
    const double q = std::sqrt(-2 * std::log1p(-p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
}  // namespace

double log_ndtr(double x) {
  if (x > 6) return -0.5 * std::erfc(x / kSqrt2);  // log(1 - t) ~ -t for the tiny upper tail
  if (x > -20) return std::log(0.5 * std::erfc(-x / kSqrt2));
  // Asymptotic series of the lower tail: Phi(x) ~ phi(x) / -x * (1 - 1/x^2 + 3/x^4 - 15/x^6).
  const double x2 = x * x;
  return -0.5 * x2 - kLogSqrt2Pi - std::log(-x) + std::log1p(-1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2));
}

double log_mass(double a, double b) {
  if (b <= 0) {
    const double lb = log_ndtr(b), la = log_ndtr(a);
    return lb + std::log1p(-std::exp(la - lb));
  }
  if (a > 0) return log_mass(-b, -a);  // the mirror image, computed in the lower tail
  // Straddling 0: one minus both tails.
  return std::log1p(-0.5 * std::erfc(-a / kSqrt2) - 0.5 * std::erfc(b / kSqrt2));
}

double ndtri_exp(double log_p) {
  if (log_p >= 0) return std::numeric_limits<double>::infinity();
  double x = log_p > -700 ? ndtri_rough(std::exp(log_p)) : -std::sqrt(-2 * log_p);
  // Newton on f(x) = log Phi(x) - log_p, f' = phi(x) / Phi(x).
  for (int i = 0; i < 6; ++i) {
    const double l = log_ndtr(x);
    const double slope = std::exp(-0.5 * x * x - kLogSqrt2Pi - l);
    const double step = (l - log_p) / slope;
    x -= step;
    if (std::fabs(step) < 1e-14 * (1 + std::fabs(x))) break;
  }
  return x;
}

double sample(double a, double b, Rng& rng) {
  if (a > 0) return -sample(-b, -a, rng);  // work where Phi is small and exact
  const double u = rng.uniform01();
  // log(Phi(a) + u (Phi(b) - Phi(a))) without leaving log space.
  const double la = log_ndtr(a), lm = log_mass(a, b);
  const double lu = u > 0 ? std::log(u) + lm : -std::numeric_limits<double>::infinity();
  const double hi = std::max(la, lu), lo = std::min(la, lu);
  const double lp = std::isinf(lo) ? hi : hi + std::log1p(std::exp(lo - hi));
  const double x = ndtri_exp(std::min(lp, 0.0));
  return std::min(b, std::max(a, x));
}

}  // namespace genre::search::truncnorm
