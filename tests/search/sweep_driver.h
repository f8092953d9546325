#pragma once
// Drives a Coordinator in-process with virtual worker groups, for tests: each
// tick advances one group by one epoch of the objective (objective_runner.h's
// function of the config), round-robin, so the interleaving of groups is
// deterministic and no MPI is needed. A "kill" is stopping after some ticks
// without closing anything; checkpoints (the last finished epoch of each
// trial) survive it, as files would.
#include <map>
#include <optional>

#include "search/coordinator.h"

namespace genre::search::test {

struct VirtualSweep {
  std::map<int, int> checkpoints;  // trial -> last epoch done: what a restart resumes from
  std::map<int, int> runs;         // trial -> attempts handed out in this process
  int epochs_trained = 0;

  // Runs until every group has quit, or `max_ticks` ticks. Returns whether it
  // ran to the end (then the coordinator is closed).
  bool drive(Coordinator& c, int groups, long max_ticks = -1);
};

}  // namespace genre::search::test
