#pragma once
// Every combination of the parameters' grid values, the last parameter varying
// fastest (like nested loops in the spec's order), capped at max_trials.
// Trial i's config is a function of i alone.
#include "search/algorithm.h"

namespace genre::search {

class GridSearch : public SearchAlgorithm {
 public:
  explicit GridSearch(const SweepSpec& spec);
  Proposal propose(int trial) const override;
  bool observe(const TrialEvent&) override { return false; }
  bool should_stop(int, int) const override { return false; }
  int fixed_trials() const override { return count_; }

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<nlohmann::json>> values_;
  int count_;
};

}  // namespace genre::search
