#pragma once
// Every combination of the parameters' grid values, the last parameter varying
// fastest (like nested loops in the spec's order), capped at max_trials.
#include "search/algorithm.h"

namespace genre::search {

class GridSearch : public SearchAlgorithm {
 public:
  explicit GridSearch(const SweepSpec& spec);
  std::optional<nlohmann::json> next_config() override;
  void report(int, int, double) override {}
  bool should_stop(int, int) const override { return false; }

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<nlohmann::json>> values_;
  int count_;
  int issued_ = 0;
};

}  // namespace genre::search
