#include "search/random_search.h"

namespace genre::search {

nlohmann::json random_config(const std::vector<ParamSpec>& params, std::uint64_t seed, int trial) {
  Rng rng(seed, static_cast<std::uint64_t>(trial));
  nlohmann::json out = nlohmann::json::object();
  for (const auto& p : params) {
    nlohmann::json v = p.sample(rng);
    if (p.active(out)) out[p.name] = std::move(v);
  }
  return out;
}

RandomSearch::RandomSearch(const SweepSpec& spec)
    : params_(spec.parameters), seed_(spec.seed), count_(spec.trial_count()) {}

Proposal RandomSearch::propose(int trial) const {
  if (trial >= count_) return [] { return std::optional<nlohmann::json>(); };
  // Cheap: drawn here, on the caller's thread.
  return [params = random_config(params_, seed_, trial)] { return std::optional<nlohmann::json>(params); };
}

}  // namespace genre::search
