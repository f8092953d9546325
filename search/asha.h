#pragma once
// Asynchronous successive halving (successive_halving.h) as an early-stopping
// rule around another algorithm, which still proposes the configs. Rungs sit
// at min_epochs * eta^k epochs, below max_epochs.
#include <map>
#include <memory>

#include "search/algorithm.h"
#include "search/successive_halving.h"

namespace genre::search {

class Asha : public SearchAlgorithm {
 public:
  Asha(std::unique_ptr<SearchAlgorithm> proposer, const AshaSpec& spec);
  Proposal propose(int trial) const override { return proposer_->propose(trial); }
  bool observe(const TrialEvent& event) override;
  bool should_stop(int trial, int epoch) const override { return rungs_.stopped(trial, epoch); }
  int fixed_trials() const override { return proposer_->fixed_trials(); }
  std::string plan_note() const override { return proposer_->plan_note(); }

  // For tests and the journal: the scores recorded at the rung of `epoch`.
  const std::map<int, double>& recorded(int rung_epoch) const { return rungs_.recorded(rung_epoch); }

 private:
  std::unique_ptr<SearchAlgorithm> proposer_;
  SuccessiveHalving rungs_;
};

}  // namespace genre::search
