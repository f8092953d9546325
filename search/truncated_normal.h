#pragma once
// The standard normal's tails in log space and the normal truncated to
// [a, b] (in standard units): what the Parzen estimators of TPE need, stable
// far into the tails (a kernel 100 widths away from a point still gives a
// finite log density).
#include "search/rng.h"

namespace genre::search::truncnorm {

// log Phi(x), accurate for x far below 0 too.
double log_ndtr(double x);
// log(Phi(b) - Phi(a)) for a < b.
double log_mass(double a, double b);
// The x with log Phi(x) = log_p (log_p <= 0).
double ndtri_exp(double log_p);
// A draw of the standard normal truncated to [a, b], by inverting its CDF.
double sample(double a, double b, Rng& rng);

}  // namespace genre::search::truncnorm
