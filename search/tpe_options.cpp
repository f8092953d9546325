#include "search/tpe_options.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace genre::search {

namespace {
[[noreturn]] void bad(const std::string& key, const std::string& problem) {
  throw UsageError("tpe." + key + ": " + problem);
}
}  // namespace

void TpeOptions::validate() const {
  if (n_startup_trials < 0) bad("n_startup_trials", "must be at least 0 (got " + std::to_string(n_startup_trials) + ")");
  if (n_ei_candidates < 1 || n_ei_candidates > 100000)
    bad("n_ei_candidates", "must be in 1..100000 (got " + std::to_string(n_ei_candidates) + ")");
  if (!(prior_weight > 0) || !std::isfinite(prior_weight))
    bad("prior_weight", "must be a positive number (got " + std::to_string(prior_weight) + ")");
  if (!(gamma > 0 && gamma <= 1)) bad("gamma", "must be in (0, 1] (got " + std::to_string(gamma) + ")");
  if (gamma_max < 1) bad("gamma_max", "must be at least 1 (got " + std::to_string(gamma_max) + ")");
}

int TpeOptions::n_below(int n) const {
  // Optuna's default_gamma, min(ceil(0.1 * n), 25), in the same floating
  // point; with the default gamma 0.1 * n rounds to the exact n / 10 for
  // every n below 300 (ceil(0.1 * 30) is 3), so this is ceil(n / 10) there.
  return std::min(static_cast<int>(std::ceil(gamma * n)), gamma_max);
}

}  // namespace genre::search
