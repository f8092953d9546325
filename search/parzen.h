#pragma once
// The Parzen estimators of TPE (Bergstra et al., "Algorithms for
// Hyper-Parameter Optimization", NIPS 2011), built as Optuna 3.1 builds
// them: a weighted mixture with one component per observation plus an
// optional prior component, each component a product over the dimensions of
// a truncated normal kernel (numeric) or a smoothed one-hot distribution
// (categorical).
//
// Numeric dimensions live in the internal space: logarithms for log
// distributions, and for stepped ones (integers, q) the range widened by
// half a step on each side, with draws rounded back to the grid and their
// density the kernel's mass over the grid cell. Kernel widths: univariate,
// the larger distance to a neighbour among the sorted observations and the
// prior's centre (the outermost to their inner neighbour only, unless
// consider_endpoints); multivariate, Scott's rule 0.2 n^(-1/(d+4)) of the
// range. Then clipped to [range / min(100, 1 + components), range] (magic
// clip) or [1e-12, range]; the prior's centre is mid-range, its width the range.
// A continuous kernel's log density is taken in its own standard units, as
// Optuna 3.1 computes it (no -log(sigma) term), so l and g match Optuna's.
#include <vector>

#include "search/rng.h"
#include "search/tpe_options.h"

namespace genre::search {

struct ParzenDimension {
  bool categorical = false;
  int choices = 0;             // categorical: the values are indices 0..choices-1
  double low = 0, high = 0;    // numeric: the grid's (or range's) ends, internal space
  double step = 0;             // > 0: values are low + k * step
  // The kernel's support: [low, high], widened by half a step when stepped.
  double support_low() const { return low - 0.5 * step; }
  double support_high() const { return high + 0.5 * step; }
  // x rounded to the grid and clipped to [low, high] (numeric).
  double snap(double x) const;
};

class ParzenEstimator {
 public:
  // observations[i][d]: observation i (oldest first: the weights favour the
  // most recent) in dimension d.
  ParzenEstimator(const std::vector<ParzenDimension>& dims, const std::vector<std::vector<double>>& observations,
                  const TpeOptions& options);
  // n draws of the mixture (each a value per dimension, on the grid).
  std::vector<std::vector<double>> sample(Rng& rng, int n) const;
  // The mixture's log density at x.
  double log_pdf(const std::vector<double>& x) const;
  // Its parts, read by the test that pins them to Optuna's: the components'
  // weights (normalised, the prior last) and, for numeric dimension d, their
  // centres and widths (internal space).
  const std::vector<double>& weights() const { return weights_; }
  const std::vector<double>& mus(std::size_t d) const { return mus_[d]; }
  const std::vector<double>& sigmas(std::size_t d) const { return sigmas_[d]; }

 private:
  std::vector<ParzenDimension> dims_;
  std::vector<double> log_weights_;             // per component
  std::vector<double> weights_;
  std::vector<std::vector<double>> mus_, sigmas_;  // [dimension][component], numeric
  std::vector<std::vector<double>> log_norm_;      // [dimension][component]: log mass of the kernel on its support
  std::vector<std::vector<std::vector<double>>> categorical_;  // [dimension][component][choice]
};

// Optuna's default_weights: 1 for each of the last 25 observations, a ramp
// from 1/n up to them for older ones.
std::vector<double> tpe_weights(std::size_t n);

}  // namespace genre::search
