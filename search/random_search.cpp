#include "search/random_search.h"

namespace genre::search {

RandomSearch::RandomSearch(const SweepSpec& spec)
    : params_(spec.parameters), seed_(spec.seed), count_(spec.trial_count()) {}

std::optional<nlohmann::json> RandomSearch::next_config() {
  if (issued_ >= count_) return std::nullopt;
  Rng rng(seed_, static_cast<std::uint64_t>(issued_++));
  nlohmann::json params = nlohmann::json::object();
  for (const auto& p : params_) params[p.name] = p.sample(rng);
  return params;
}

}  // namespace genre::search
