#include "search/asha.h"

namespace genre::search {

Asha::Asha(std::unique_ptr<SearchAlgorithm> proposer, const AshaSpec& spec)
    : proposer_(std::move(proposer)), rungs_(spec.rungs(), spec.eta) {}

bool Asha::observe(const TrialEvent& event) {
  if (event.kind == TrialEvent::Kind::kEpoch) rungs_.record(event.trial, event.epoch, event.score);
  return proposer_->observe(event);
}

}  // namespace genre::search
