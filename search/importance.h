#pragma once
// Parameter importance for the report: how much of the metric's variation
// across trials each swept parameter explains, computed here in C++.
//
// A random forest (64 trees, bootstrap samples, a third of the parameters
// tried at each split, at least 2 trials per leaf) is fitted to the trials'
// best metric; a parameter's importance is the rise in the forest's
// out-of-bag squared error when that parameter's column is shuffled
// (permutation importance, Breiman 2001), clipped at 0 and normalised to sum
// to 1. Categorical values are their index in the spec's list; an inactive
// conditional parameter is its own value (-1). Seeded: the same trials give
// the same importances.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace genre::search {

struct ParamImportance {
  std::string name;
  double importance = 0;  // share in [0, 1]
};

// `params[i]` and `values[i]`: trial i's swept values and its best metric
// (higher or lower better does not matter). Parameters that never vary are
// left out. Empty when fewer than 4 trials (nothing to learn from).
std::vector<ParamImportance> parameter_importance(const std::vector<std::string>& names,
                                                  const std::vector<nlohmann::json>& params,
                                                  const std::vector<double>& values);

}  // namespace genre::search
