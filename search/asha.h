#pragma once
// Asynchronous successive halving as an early-stopping rule around another
// algorithm (which still proposes the configs). Rungs sit at
// min_epochs * eta^k epochs. When a trial reports a rung's epoch, its score is
// recorded at that rung and compared with every score recorded there so far
// (its own included): it continues only if it is among the best
// max(1, floor(n / eta)) of those n, a tie ranking it below the trial that
// reached the rung first. Nobody waits for a rung to fill, so early
// trials are judged against few others (the first at a rung always continues),
// which is what makes it asynchronous.
//
// Decisions are made once per (trial, rung) and kept: a trial that restarts
// from a checkpoint and reports a rung again gets the same answer.
#include <map>
#include <memory>
#include <set>

#include "search/algorithm.h"

namespace genre::search {

class Asha : public SearchAlgorithm {
 public:
  Asha(std::unique_ptr<SearchAlgorithm> proposer, const AshaSpec& spec);
  std::optional<nlohmann::json> next_config() override { return proposer_->next_config(); }
  void report(int trial, int epoch, double score) override;
  bool should_stop(int trial, int epoch) const override;

  // For tests and the journal: the scores recorded at the rung of `epoch`.
  const std::map<int, double>& recorded(int rung_epoch) const;

 private:
  std::unique_ptr<SearchAlgorithm> proposer_;
  AshaSpec spec_;
  std::set<int> rung_epochs_;
  std::map<int, std::map<int, double>> rungs_;  // rung epoch -> trial -> score
  std::set<std::pair<int, int>> stopped_;       // (trial, rung epoch) judged out
};

}  // namespace genre::search
