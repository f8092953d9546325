#pragma once
// Moving the coordinator's decisions over MPI (protocol.h): world rank 0
// serves, the other ranks form groups of ranks_per_trial that train. Also the
// single-process form, where one rank does both.
#include <functional>
#include <vector>

#include "dist/mpi.h"
#include "search/coordinator.h"
#include "search/trial_runner.h"

namespace genre::search {

struct SweepStats {
  double wall_s = 0;               // first message served to the last group's quit
  double coordinator_s = 0;        // time rank 0 spent handling messages (journal fsyncs included)
  std::vector<double> busy_s;      // per group: time inside TrialRunner::run
  std::size_t messages = 0;
  double busy_fraction() const;    // sum(busy_s) / (groups * wall_s)
};

// World rank 0: answers the groups' leaders until every group has quit.
// Checks stop_requested between messages and then interrupts the sweep.
SweepStats serve(Coordinator& coordinator, const dist::Comm& world, int groups, int ranks_per_trial,
                 const std::function<bool()>& stop_requested);

// Every rank of a worker group: takes trials and trains them until told to
// quit. Returns true when the sweep was interrupted (the job is ending).
bool work(const dist::Comm& world, const dist::Comm& group, int group_index, TrialRunner& runner);

// One process that coordinates and trains (no mpiexec, or -n 1).
SweepStats run_alone(Coordinator& coordinator, TrialRunner& runner, const dist::Comm& self,
                     const std::function<bool()>& stop_requested);

}  // namespace genre::search
