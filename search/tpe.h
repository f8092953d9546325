#pragma once
// `method: tpe`: the Tree-structured Parzen Estimator (Bergstra et al.,
// NIPS 2011) as Optuna 3.1's TPESampler implements it, on the sweep's events.
//
// Until n_startup_trials trials have ended (finished or pruned), a trial's
// config is the random search's for its id (random_search.h), so the first
// n_startup_trials configs are known before any result (--plan lists them).
// After that, each parameter (univariate) or each group of parameters that
// share the same `when` (multivariate: Optuna's group decomposition, which
// for a tree of conditions is exactly these groups) is drawn as follows:
//   1. every trial that has a result or is running is ranked, best first:
//      finished trials by their best score, then pruned ones by how far they
//      got and their last score there, then (constant_liar) running ones as
//      the worst; failed trials are left out;
//   2. the best n_below(n) of them (n: those with a result) form the good
//      group, the rest the bad one; each is restricted to the trials where the
//      parameter was active (a conditional parameter is modelled only on the
//      trials it applied to);
//   3. parzen.h's estimators l (good) and g (bad) are fitted, oldest
//      observations weighted down; n_ei_candidates draws from l are scored by
//      log l - log g and the best is taken.
// With asha or hyperband (BOHB: Falkner et al., ICML 2018) the model is
// fitted per budget: the budgets are the rungs' epochs and max_epochs; a
// trial's result at budget b is its best score up to epoch b, and the largest
// budget that at least max(n_startup_trials, dimensions + 1) trials reached
// is used (random until one is). Draws come from Rng(seed, 2^32 + trial id),
// so a proposal depends on the state and the trial id only.
#include <map>
#include <memory>
#include <vector>

#include "search/algorithm.h"
#include "search/parzen.h"

namespace genre::search {

class Tpe : public SearchAlgorithm {
 public:
  explicit Tpe(const SweepSpec& spec);
  Proposal propose(int trial) const override;
  bool observe(const TrialEvent& event) override;
  bool should_stop(int, int) const override { return false; }
  int fixed_trials() const override;
  std::string plan_note() const override;

  // What the model knows of one trial (internal values, NaN where inactive).
  struct Observed {
    enum class State { kRunning, kFinished, kPruned, kFailed };
    int id = -1;
    State state = State::kRunning;
    std::vector<double> x;          // per parameter of the spec
    std::map<int, double> epochs;   // epoch -> score (the first report of each)
  };
  // The fixed part: the space, the groups, the settings.
  struct Model;

 private:
  std::shared_ptr<const Model> model_;
  std::vector<Observed> trials_;  // by id
};

// Steps 1 and 2 on final results (no budgets): the good and the bad trials,
// as indices into `trials`, oldest first, the good group n_below(n) of the n
// finished or pruned ones. What a suggestion fits l and g to.
struct TpeSplit {
  std::vector<std::size_t> below, above;
};
TpeSplit tpe_split(const std::vector<Tpe::Observed>& trials, const TpeOptions& options);

}  // namespace genre::search
