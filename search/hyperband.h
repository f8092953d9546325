#pragma once
// Hyperband (Li et al., "Hyperband: A Novel Bandit-Based Approach to
// Hyperparameter Optimization", JMLR 2018) run asynchronously: its brackets,
// each an ASHA bracket (successive_halving.h) with its own first rung.
//
// The published schedule for a maximum budget of max_epochs, a minimum of
// min_epochs and a reduction factor eta: s_max = floor(log_eta(max / min));
// bracket s (s_max down to 0) starts n = ceil((s_max + 1) / (s + 1) * eta^s)
// configs at r = max * eta^-s epochs; its rung i (0..s) keeps
// n_i = floor(n * eta^-i) configs trained to r_i = r * eta^i epochs (rounded
// to whole epochs). For max 81, min 1, eta 3 that is the paper's Table 1.
//
// Synchronous Hyperband runs the brackets one after another and waits for
// each rung to fill; here trials are dealt to brackets as they start, in the
// proportion of the brackets' n (a smooth weighted round-robin over the trial
// id, so a trial's bracket is a function of its id alone), and within its
// bracket a trial is promoted past rung i when it is in the top 1/eta of
// those that reached it so far. Bracket 0 trains every trial to max_epochs.
#include <memory>
#include <vector>

#include "search/algorithm.h"
#include "search/successive_halving.h"

namespace genre::search {

struct HyperbandBracket {
  int s = 0;                                // the bracket's index in the paper (s_max .. 0)
  int n = 0;                                // configs it starts
  std::vector<std::pair<int, int>> rungs;   // (n_i, r_i): configs kept, epochs trained; the last is max_epochs
};

// The published schedule, brackets in the paper's order (s_max first).
std::vector<HyperbandBracket> hyperband_schedule(const AshaSpec& spec);
// Every epoch that is a rung of some bracket (below max_epochs), ascending.
std::vector<int> hyperband_rung_epochs(const AshaSpec& spec);

class Hyperband : public SearchAlgorithm {
 public:
  Hyperband(std::unique_ptr<SearchAlgorithm> proposer, const AshaSpec& spec);
  Proposal propose(int trial) const override { return proposer_->propose(trial); }
  bool observe(const TrialEvent& event) override;
  bool should_stop(int trial, int epoch) const override;
  int fixed_trials() const override { return proposer_->fixed_trials(); }
  std::string plan_note() const override;

  // The index into hyperband_schedule() of the bracket trial `trial` runs in.
  std::size_t bracket_of(int trial) const { return cycle_[static_cast<std::size_t>(trial) % cycle_.size()]; }
  const std::vector<HyperbandBracket>& schedule() const { return schedule_; }

 private:
  std::unique_ptr<SearchAlgorithm> proposer_;
  std::vector<HyperbandBracket> schedule_;
  std::vector<SuccessiveHalving> brackets_;  // one per schedule_ entry
  std::vector<std::size_t> cycle_;           // the bracket of trial i is cycle_[i % size]
};

}  // namespace genre::search
