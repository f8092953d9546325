#pragma once
// The median stopping rule (Golovin et al., "Google Vizier", KDD 2017), as
// Optuna's MedianPruner applies it: after epoch t a trial stops when its best
// score so far is below the median of the scores that finished trials
// reported at epoch t, once n_startup_trials have finished, from
// n_warmup_epochs on, every interval_epochs, and only when at least
// min_trials finished trials reported epoch t. A trial whose scores are all
// NaN stops. Decisions are made once per (trial, epoch) and kept.
#include <map>
#include <memory>
#include <set>

#include "search/algorithm.h"

namespace genre::search {

class MedianStopping : public SearchAlgorithm {
 public:
  MedianStopping(std::unique_ptr<SearchAlgorithm> proposer, const MedianOptions& options);
  Proposal propose(int trial) const override { return proposer_->propose(trial); }
  bool observe(const TrialEvent& event) override;
  bool should_stop(int trial, int epoch) const override { return stopped_.count({trial, epoch}) > 0; }
  int fixed_trials() const override { return proposer_->fixed_trials(); }
  std::string plan_note() const override { return proposer_->plan_note(); }

 private:
  void judge(int trial, int epoch);
  std::unique_ptr<SearchAlgorithm> proposer_;
  MedianOptions options_;
  std::map<int, std::map<int, double>> scores_;  // trial -> epoch -> score (the first report of each epoch)
  std::set<int> finished_;
  std::set<std::pair<int, int>> judged_, stopped_;
};

}  // namespace genre::search
