#include "search/hyperband.h"

#include <cmath>
#include <set>
#include <string>

namespace genre::search {

std::vector<HyperbandBracket> hyperband_schedule(const AshaSpec& spec) {
  const double eta = spec.eta;
  // s_max = floor(log_eta(max / min)), counted in integers to avoid log's rounding.
  int s_max = 0;
  for (long long r = static_cast<long long>(spec.min_epochs) * spec.eta; r <= spec.max_epochs; r *= spec.eta) ++s_max;
  std::vector<HyperbandBracket> out;
  for (int s = s_max; s >= 0; --s) {
    HyperbandBracket b;
    b.s = s;
    b.n = static_cast<int>(std::ceil(static_cast<double>(s_max + 1) / (s + 1) * std::pow(eta, s) - 1e-9));
    for (int i = 0; i <= s; ++i) {
      const int n_i = static_cast<int>(std::floor(b.n * std::pow(eta, -i) + 1e-9));
      const int r_i = i == s ? spec.max_epochs
                             : std::max(1, static_cast<int>(std::lround(spec.max_epochs * std::pow(eta, i - s))));
      b.rungs.emplace_back(n_i, r_i);
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<int> hyperband_rung_epochs(const AshaSpec& spec) {
  std::set<int> epochs;
  for (const auto& b : hyperband_schedule(spec))
    for (const auto& [n, r] : b.rungs)
      if (r < spec.max_epochs) epochs.insert(r);
  return {epochs.begin(), epochs.end()};
}

Hyperband::Hyperband(std::unique_ptr<SearchAlgorithm> proposer, const AshaSpec& spec)
    : proposer_(std::move(proposer)), schedule_(hyperband_schedule(spec)) {
  int total = 0;
  for (const auto& b : schedule_) {
    std::vector<int> rungs;
    for (const auto& [n, r] : b.rungs)
      if (r < spec.max_epochs) rungs.push_back(r);
    brackets_.emplace_back(rungs, spec.eta);
    total += b.n;
  }
  // Smooth weighted round-robin (each step every bracket gains its n, the
  // richest is dealt and pays the total): brackets interleave in proportion
  // to n, so a short sweep already samples every bracket.
  std::vector<int> credit(schedule_.size(), 0);
  for (int k = 0; k < total; ++k) {
    std::size_t pick = 0;
    for (std::size_t i = 0; i < schedule_.size(); ++i) {
      credit[i] += schedule_[i].n;
      if (credit[i] > credit[pick]) pick = i;
    }
    credit[pick] -= total;
    cycle_.push_back(pick);
  }
}

bool Hyperband::observe(const TrialEvent& event) {
  if (event.kind == TrialEvent::Kind::kEpoch) brackets_[bracket_of(event.trial)].record(event.trial, event.epoch, event.score);
  return proposer_->observe(event);
}

bool Hyperband::should_stop(int trial, int epoch) const { return brackets_[bracket_of(trial)].stopped(trial, epoch); }

std::string Hyperband::plan_note() const {
  std::string out = "hyperband brackets (configs n_i trained to r_i epochs):";
  for (const auto& b : schedule_) {
    out += " s=" + std::to_string(b.s) + "[";
    for (std::size_t i = 0; i < b.rungs.size(); ++i)
      out += (i ? " " : "") + std::to_string(b.rungs[i].first) + "x" + std::to_string(b.rungs[i].second);
    out += "]";
  }
  const std::string inner = proposer_->plan_note();
  return inner.empty() ? out : inner + "\n" + out;
}

}  // namespace genre::search
