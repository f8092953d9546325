#pragma once
// The rule of one asynchronous successive-halving bracket, shared by ASHA
// (one bracket) and Hyperband (several). When a trial reports a rung's epoch,
// its score is recorded at that rung and compared with every score recorded
// there so far (its own included): it continues only if fewer than
// max(1, floor(n / eta)) of those n are strictly better, so a trial that ties
// the cut value continues. Nobody waits for a rung to fill, so early trials
// are judged against few others (the first at a rung always continues),
// which is what makes it asynchronous.
//
// Decisions are made once per (trial, rung) and kept: a trial that restarts
// from a checkpoint and reports a rung again gets the same answer.
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace genre::search {

class SuccessiveHalving {
 public:
  SuccessiveHalving(std::vector<int> rung_epochs, int eta);
  // Records and judges `trial`'s score at `epoch` when that is one of the rungs.
  void record(int trial, int epoch, double score);
  bool stopped(int trial, int epoch) const { return stopped_.count({trial, epoch}) > 0; }
  // The scores recorded at the rung of `epoch` (trial -> score).
  const std::map<int, double>& recorded(int rung_epoch) const;
  const std::set<int>& rungs() const { return rung_epochs_; }

 private:
  std::set<int> rung_epochs_;
  int eta_;
  std::map<int, std::map<int, double>> rungs_;  // rung epoch -> trial -> score
  std::set<std::pair<int, int>> stopped_;       // (trial, rung epoch) judged out
};

}  // namespace genre::search
