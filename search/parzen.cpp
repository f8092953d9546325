#include "search/parzen.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "search/truncated_normal.h"

namespace genre::search {

namespace {
constexpr double kEps = 1e-12;
constexpr double kLogSqrt2Pi = 0.91893853320467274;
constexpr double kSigma0 = 0.2;  // Scott's rule factor (as in BOHB and Optuna)
}  // namespace

double ParzenDimension::snap(double x) const {
  if (step > 0) x = std::round((x - low) / step) * step + low;
  return std::min(high, std::max(low, x));
}

std::vector<double> tpe_weights(std::size_t n) {
  std::vector<double> w(n, 1.0);
  if (n < 25) return w;
  const std::size_t ramp = n - 25;
  // numpy's linspace(1/n, 1, ramp)
  for (std::size_t i = 0; i < ramp; ++i)
    w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * static_cast<double>(i) / static_cast<double>(ramp - 1);
  return w;
}

ParzenEstimator::ParzenEstimator(const std::vector<ParzenDimension>& dims,
                                 const std::vector<std::vector<double>>& observations, const TpeOptions& o)
    : dims_(dims) {
  const std::size_t n = observations.size();
  const bool prior = o.consider_prior || n == 0;
  const std::size_t k = n + (prior ? 1 : 0);
  weights_ = tpe_weights(n);
  if (prior) weights_.push_back(o.prior_weight);
  const double total = std::accumulate(weights_.begin(), weights_.end(), 0.0);
  for (auto& w : weights_) w /= total;
  for (double w : weights_) log_weights_.push_back(std::log(w));

  mus_.resize(dims.size());
  sigmas_.resize(dims.size());
  log_norm_.resize(dims.size());
  categorical_.resize(dims.size());
  for (std::size_t d = 0; d < dims.size(); ++d) {
    const ParzenDimension& dim = dims[d];
    if (dim.categorical) {
      // prior_weight / k on every choice, 1 more on the observed one, rows normalised.
      const double base = o.prior_weight / static_cast<double>(prior ? n + 1 : n);
      auto& rows = categorical_[d];
      rows.assign(k, std::vector<double>(static_cast<std::size_t>(dim.choices), base));
      for (std::size_t i = 0; i < n; ++i) rows[i][static_cast<std::size_t>(observations[i][d])] += 1;
      for (auto& r : rows) {
        const double s = std::accumulate(r.begin(), r.end(), 0.0);
        for (auto& v : r) v /= s;
      }
      continue;
    }
    const double low = dim.support_low(), high = dim.support_high(), range = high - low;
    auto& mus = mus_[d];
    for (std::size_t i = 0; i < n; ++i) mus.push_back(observations[i][d]);
    if (prior) mus.push_back(0.5 * (low + high));
    auto& sigmas = sigmas_[d];
    sigmas.assign(k, 0.0);
    if (o.multivariate) {
      const double s0 = kSigma0 * std::pow(static_cast<double>(std::max<std::size_t>(n, 1)),
                                           -1.0 / (static_cast<double>(dims.size()) + 4));
      std::fill(sigmas.begin(), sigmas.end(), s0 * range);
    } else {
      std::vector<std::size_t> order(k);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return mus[a] < mus[b]; });
      std::vector<double> edge(k + 2);  // low, the sorted centres, high
      edge.front() = low;
      edge.back() = high;
      for (std::size_t i = 0; i < k; ++i) edge[i + 1] = mus[order[i]];
      std::vector<double> sorted(k);
      for (std::size_t i = 0; i < k; ++i) sorted[i] = std::max(edge[i + 1] - edge[i], edge[i + 2] - edge[i + 1]);
      if (!o.consider_endpoints && edge.size() >= 4) {
        sorted.front() = edge[2] - edge[1];
        sorted.back() = edge[k] - edge[k - 1];
      }
      for (std::size_t i = 0; i < k; ++i) sigmas[order[i]] = sorted[i];
    }
    const double min_sigma = o.consider_magic_clip ? range / std::min(100.0, 1.0 + static_cast<double>(k)) : kEps;
    for (auto& s : sigmas) s = std::min(range, std::max(min_sigma, s));
    if (prior) sigmas.back() = range;
    auto& norm = log_norm_[d];
    for (std::size_t i = 0; i < k; ++i)
      norm.push_back(truncnorm::log_mass((low - mus[i]) / sigmas[i], (high - mus[i]) / sigmas[i]));
  }
}

std::vector<std::vector<double>> ParzenEstimator::sample(Rng& rng, int n) const {
  std::vector<std::vector<double>> out(static_cast<std::size_t>(n), std::vector<double>(dims_.size()));
  for (auto& x : out) {
    // The component, by its weight; then each dimension from its kernel.
    double u = rng.uniform01(), acc = 0;
    std::size_t c = weights_.size() - 1;
    for (std::size_t i = 0; i < weights_.size(); ++i) {
      acc += weights_[i];
      if (u < acc) {
        c = i;
        break;
      }
    }
    for (std::size_t d = 0; d < dims_.size(); ++d) {
      const ParzenDimension& dim = dims_[d];
      if (dim.categorical) {
        const auto& p = categorical_[d][c];
        double v = rng.uniform01(), cum = 0;
        std::size_t pick = p.size() - 1;
        for (std::size_t j = 0; j < p.size(); ++j) {
          cum += p[j];
          if (v < cum) {
            pick = j;
            break;
          }
        }
        x[d] = static_cast<double>(pick);
        continue;
      }
      const double mu = mus_[d][c], sigma = sigmas_[d][c];
      const double z = truncnorm::sample((dim.support_low() - mu) / sigma, (dim.support_high() - mu) / sigma, rng);
      x[d] = dim.snap(mu + sigma * z);
    }
  }
  return out;
}

double ParzenEstimator::log_pdf(const std::vector<double>& x) const {
  double best = -std::numeric_limits<double>::infinity();
  std::vector<double> terms(weights_.size());
  for (std::size_t c = 0; c < weights_.size(); ++c) {
    double l = log_weights_[c];
    for (std::size_t d = 0; d < dims_.size(); ++d) {
      const ParzenDimension& dim = dims_[d];
      if (dim.categorical) {
        l += std::log(categorical_[d][c][static_cast<std::size_t>(x[d])]);
        continue;
      }
      const double mu = mus_[d][c], sigma = sigmas_[d][c];
      if (dim.step > 0) {
        // The kernel's mass over x's grid cell.
        const double lo = std::max(x[d] - 0.5 * dim.step, dim.support_low());
        const double hi = std::min(x[d] + 0.5 * dim.step, dim.support_high());
        l += truncnorm::log_mass((lo - mu) / sigma, (hi - mu) / sigma) - log_norm_[d][c];
      } else {
        // In standard units, as Optuna 3.1's truncnorm.logpdf: without the
        // -log(sigma) of the density in x, so each kernel counts by its width
        // too. Kept for fidelity to the reference (Parzen.LogDensitiesMatchOptuna).
        const double z = (x[d] - mu) / sigma;
        l += -0.5 * z * z - kLogSqrt2Pi - log_norm_[d][c];
      }
    }
    terms[c] = l;
    best = std::max(best, l);
  }
  if (std::isinf(best)) return best;
  // Terms more than 40 below the largest add under e^-40 of it: skipping
  // their exp keeps a sweep of 1,000 trials cheap (most kernels are far away).
  double sum = 0;
  for (double t : terms)
    if (t > best - 40) sum += std::exp(t - best);
  return best + std::log(sum);
}

}  // namespace genre::search
