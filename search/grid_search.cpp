#include "search/grid_search.h"

namespace genre::search {

GridSearch::GridSearch(const SweepSpec& spec) : count_(spec.trial_count()) {
  for (const auto& p : spec.parameters) {
    names_.push_back(p.name);
    values_.push_back(p.grid_values());
  }
}

Proposal GridSearch::propose(int trial) const {
  if (trial >= count_) return [] { return std::optional<nlohmann::json>(); };
  // Mixed-radix digits of the trial's index, the last parameter least significant.
  std::size_t index = static_cast<std::size_t>(trial);
  nlohmann::json params = nlohmann::json::object();
  for (std::size_t i = names_.size(); i-- > 0;) {
    params[names_[i]] = values_[i][index % values_[i].size()];
    index /= values_[i].size();
  }
  return [params] { return std::optional<nlohmann::json>(params); };
}

}  // namespace genre::search
