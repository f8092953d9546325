#pragma once
// One trial on one group, whatever happens: the runner's exceptions (with
// their cause chain), running out of memory, a NaN loss or a missing metric
// all become a failed TrialEnd with the reason, so the group can take the next
// trial and the sweep goes on. A silent rank of the group (dist::PeerTimeout)
// becomes a kGroupLost end: the group cannot go on, the trial can elsewhere.
#include "search/coordinator.h"
#include "search/trial_runner.h"

namespace genre::search {

// `ask` is called on every rank of the group after each epoch that passed the
// checks, and must return the same verdict on every rank.
TrialEnd train_trial(TrialRunner& runner, const TrialAssignment& trial, const dist::Comm& group,
                     const EpochCallback& ask);

}  // namespace genre::search
