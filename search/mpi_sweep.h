#pragma once
// Moving the coordinator's decisions over MPI (protocol.h): world rank 0
// serves, the other ranks form groups of ranks_per_trial that train. Also the
// single-process form, where one rank does both.
#include <functional>
#include <string>
#include <vector>

#include "dist/mpi.h"
#include "search/coordinator.h"
#include "search/trial_runner.h"

namespace genre::search {

// A group that lost a rank (it fell silent) and was never answered again.
struct RetiredGroup {
  int group = -1;
  int first_rank = 0, ranks = 0;  // its world ranks: first_rank .. first_rank + ranks - 1
  std::string reason;             // the first loss report's
};

struct SweepStats {
  double wall_s = 0;               // first message served to the last group's quit
  double coordinator_s = 0;        // time rank 0 spent handling messages (journal fsyncs included)
  std::vector<double> busy_s;      // per group: time inside TrialRunner::run
  std::size_t messages = 0;
  std::vector<RetiredGroup> retired;  // in the order they were lost
  double busy_fraction() const;    // sum(busy_s) / (groups * wall_s)
};

// World rank 0: answers the groups' leaders until every group has quit or
// was retired (a rank of it reported a silent peer: the group is never
// answered again, its trial restarts elsewhere, see Coordinator::group_lost).
// Checks stop_requested between messages and then interrupts the sweep.
SweepStats serve(Coordinator& coordinator, const dist::Comm& world, int groups, int ranks_per_trial,
                 const std::function<bool()>& stop_requested);

// Every rank of a worker group: takes trials and trains them until told to
// quit. Returns true when the sweep was interrupted (the job is ending). A
// rank whose group lost a rank during a trial (dist::PeerTimeout) tells the
// coordinator and never returns: it cannot finalise MPI (MPI_Finalize would
// wait for the silent rank), so it idles until rank 0 ends the job.
bool work(const dist::Comm& world, const dist::Comm& group, int group_index, TrialRunner& runner);

// One process that coordinates and trains (no mpiexec, or -n 1).
SweepStats run_alone(Coordinator& coordinator, TrialRunner& runner, const dist::Comm& self,
                     const std::function<bool()>& stop_requested);

}  // namespace genre::search
