#include "search/median_stopping.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace genre::search {

MedianStopping::MedianStopping(std::unique_ptr<SearchAlgorithm> proposer, const MedianOptions& options)
    : proposer_(std::move(proposer)), options_(options) {}

bool MedianStopping::observe(const TrialEvent& event) {
  if (event.kind == TrialEvent::Kind::kEpoch) {
    scores_[event.trial].emplace(event.epoch, event.score);
    judge(event.trial, event.epoch);
  } else if (event.kind == TrialEvent::Kind::kFinished) {
    finished_.insert(event.trial);
  }
  return proposer_->observe(event);
}

void MedianStopping::judge(int trial, int epoch) {
  if (!judged_.insert({trial, epoch}).second) return;  // a restart repeating the epoch
  if (static_cast<int>(finished_.size()) < options_.n_startup_trials || finished_.empty()) return;
  if (epoch < options_.n_warmup_epochs) return;
  // Judged only at the first epoch of each interval after the warm-up (Optuna's
  // _is_first_in_interval_step).
  const auto& mine = scores_[trial];
  const int lower = (epoch - options_.n_warmup_epochs) / options_.interval_epochs * options_.interval_epochs +
                    options_.n_warmup_epochs;
  int previous = -1;
  for (const auto& [e, s] : mine)
    if (e != epoch && e > previous) previous = e;
  if (previous >= lower) return;

  double best = -HUGE_VAL;
  bool any = false;
  for (const auto& [e, s] : mine)
    if (e <= epoch && !std::isnan(s)) best = std::max(best, s), any = true;
  if (!any) {
    stopped_.insert({trial, epoch});
    return;
  }
  std::vector<double> at;
  for (int t : finished_) {
    const auto it = scores_.find(t);
    if (it == scores_.end()) continue;
    const auto e = it->second.find(epoch);
    if (e != it->second.end() && !std::isnan(e->second)) at.push_back(e->second);
  }
  if (static_cast<int>(at.size()) < options_.min_trials || at.empty()) return;
  std::sort(at.begin(), at.end());
  const std::size_t m = at.size();
  const double median = m % 2 ? at[m / 2] : 0.5 * (at[m / 2 - 1] + at[m / 2]);
  if (best < median) stopped_.insert({trial, epoch});
}

}  // namespace genre::search
