#include "search/successive_halving.h"

#include <algorithm>
#include <cmath>

namespace genre::search {

SuccessiveHalving::SuccessiveHalving(std::vector<int> rung_epochs, int eta)
    : rung_epochs_(rung_epochs.begin(), rung_epochs.end()), eta_(eta) {}

void SuccessiveHalving::record(int trial, int epoch, double score) {
  if (!rung_epochs_.count(epoch)) return;
  auto& rung = rungs_[epoch];
  if (rung.count(trial)) return;  // judged already (a restarted trial repeats epochs)
  // A NaN score ranks below everything.
  const double s = std::isnan(score) ? -HUGE_VAL : score;
  rung[trial] = s;
  const std::size_t keep = std::max<std::size_t>(1, rung.size() / static_cast<std::size_t>(eta_));
  // Its place among those at the rung: only strictly better scores count, so
  // a trial that ties the cut value continues (as in Optuna's and Ray Tune's
  // successive halving). Coarse metrics tie often (the accuracy on a small
  // validation split moves in steps of one track); cutting ties by arrival
  // stopped trials as good as the best at random.
  const std::size_t ahead = static_cast<std::size_t>(std::count_if(
      rung.begin(), rung.end(), [&](const auto& kv) { return kv.first != trial && kv.second > s; }));
  if (ahead >= keep) stopped_.insert({trial, epoch});
}

const std::map<int, double>& SuccessiveHalving::recorded(int rung_epoch) const {
  static const std::map<int, double> kNone;
  const auto it = rungs_.find(rung_epoch);
  return it == rungs_.end() ? kNone : it->second;
}

}  // namespace genre::search
