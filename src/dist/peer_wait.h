#pragma once
// Waiting for the other ranks of a collective without trusting them to answer.
// A blocking MPI collective spins for ever when a peer stops answering without
// closing its sockets (SIGSTOP, a cut link, a hung node), and ignores SIGTERM
// meanwhile, so SLURM's time-limit signal cannot make the run checkpoint. So
// the collectives are posted non-blocking and completed here: polled until
// done for at most the peer timeout (train.peer_timeout_s), and for at most a
// short grace once SIGTERM came, then given up with a PeerTimeout.
#include <mpi.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/error.h"
#include "dist/mpi.h"

namespace genre::dist {

// A collective that a peer did not complete in time. The communicator it ran
// on is unusable from then on (the operation stays pending in MPI or NCCL), so
// the caller gives its group up: `genre train` ends the job with MPI_Abort
// (exit 75, or 143 when SIGTERM cut the wait short); a sweep retires the group.
class PeerTimeout : public Error {
 public:
  PeerTimeout(const std::string& what, bool interrupted) : Error(what), interrupted_(interrupted) {}
  // Whether SIGTERM had come meanwhile: the run was asked to stop anyway.
  bool interrupted() const { return interrupted_; }

 private:
  bool interrupted_;
};

// The exit code of a run that gave up on a silent peer: 75, EX_TEMPFAIL (the
// code of common/error.h's OutputBusy too): nothing is wrong with the input,
// and a rerun or SLURM requeue resumes from the last checkpoint.
inline constexpr int kPeerTimeoutExitCode = 75;

// train.peer_timeout_s's default, also for waits outside the trainer (a
// sweep group waiting for its leader's word when the config has no value).
inline constexpr double kDefaultPeerTimeoutSeconds = 300;

class PeerWait {
 public:
  // After SIGTERM a wait lasts at most this long more: a healthy peer answers
  // within it (it got the same signal and meets at the same collective), and
  // it leaves room in SLURM's KillWait (30 s by default) to exit cleanly.
  static constexpr double kStopGraceSeconds = 10;

  // timeout_s 0: wait for ever (SIGTERM still ends the wait after the grace).
  explicit PeerWait(double timeout_s = 0) : timeout_s_(timeout_s) {}
  double timeout_s() const { return timeout_s_; }

  // Polls done() until it returns true: tightly for the first ~2 ms (a
  // collective among healthy ranks usually completes within them), then with
  // sleeps of at most 1 ms so that a long wait does not steal a core. Throws
  // PeerTimeout("<what()>: no answer from a peer for N s") when the timeout or
  // the grace after SIGTERM has passed.
  void until(const std::function<bool()>& done, const std::function<std::string()>& what) const;

 private:
  double timeout_s_;
};

// Completes a posted MPI request under `wait`. On a timeout the request stays
// pending, and MPI may still write into its buffer should the peer wake up:
// keep() returns an owner of that memory, held until the process ends.
void complete(MPI_Request& request, const PeerWait& wait, const std::function<std::string()>& what,
              const std::function<std::shared_ptr<const void>()>& keep);

// "allreduce of 1.2 MB among 4 ranks": what a PeerTimeout names.
std::string describe_collective(const char* op, std::size_t bytes, int ranks);

// Comm::broadcast of a string under `wait` (MPI_Ibcast, completed by
// complete()): for a group whose members may fall silent, such as a sweep's
// trial group waiting for its leader's word.
std::string broadcast(const Comm& comm, const std::string& bytes, int root, const PeerWait& wait);

}  // namespace genre::dist
