#pragma once
// max_trials configs drawn independently: trial i draws every parameter, in
// the spec's order, from Rng(seed, i). Same seed, same configs, same order, on
// any platform.
#include "search/algorithm.h"

namespace genre::search {

class RandomSearch : public SearchAlgorithm {
 public:
  explicit RandomSearch(const SweepSpec& spec);
  std::optional<nlohmann::json> next_config() override;
  void report(int, int, double) override {}
  bool should_stop(int, int) const override { return false; }

 private:
  std::vector<ParamSpec> params_;
  std::uint64_t seed_;
  int count_;
  int issued_ = 0;
};

}  // namespace genre::search
