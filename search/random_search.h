#pragma once
// max_trials configs drawn independently: trial i draws every parameter, in
// the spec's order, from Rng(seed, i). Same seed, same configs, same order, on
// any platform. A conditional parameter is drawn whether or not it applies
// (and then left out), so the others' draws never depend on it.
#include "search/algorithm.h"

namespace genre::search {

// Trial `trial`'s random config (TPE's start-up trials are these too).
nlohmann::json random_config(const std::vector<ParamSpec>& params, std::uint64_t seed, int trial);

class RandomSearch : public SearchAlgorithm {
 public:
  explicit RandomSearch(const SweepSpec& spec);
  Proposal propose(int trial) const override;
  bool observe(const TrialEvent&) override { return false; }
  bool should_stop(int, int) const override { return false; }
  int fixed_trials() const override { return count_; }

 private:
  std::vector<ParamSpec> params_;
  std::uint64_t seed_;
  int count_;
};

}  // namespace genre::search
