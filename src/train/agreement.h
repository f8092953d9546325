#pragma once
// Failing together: the one failure-agreement protocol for ranks that work
// together, used by the training loop and by a search trial's set-up.
//
// Every rank of a group must reach every collective; a rank whose own work
// throws (out of memory on one GPU, a write that fails on rank 0 alone, a
// callback, a dataset one rank cannot read) and leaves would block the others
// in their next collective for ever. So each rank's own work runs inside the
// agreement's latch (FailureLatch, failure.h), which keeps the first error
// instead of throwing; the rank keeps taking part in the collectives; and at
// the next agreement point (settle) every rank learns that one failed and all
// throw the same error, naming the lowest failing rank and its reason.
#include <utility>

#include "dist/communicator.h"
#include "train/failure.h"

namespace genre::train {

class Agreement {
 public:
  // One rank alone: there is nobody to agree with; settle() rethrows this
  // rank's own error, as it was thrown.
  Agreement() = default;
  // The ranks of `comm`, which must outlive the agreement. With one rank it
  // behaves as the default.
  explicit Agreement(dist::Communicator& comm) : comm_(&comm) {}

  // Runs f unless this rank has failed already; keeps f's error instead of
  // throwing it.
  template <class F>
  void run(F&& f) {
    latch_.run(std::forward<F>(f));
  }
  bool failed() const { return latch_.failed(); }

  // An agreement point, to be reached by every rank: one allreduce of two
  // numbers. Returns whether `flag` is true on any rank. When any rank has
  // failed, throws on every rank the lowest failing rank's error as
  // "rank R of P: <reason>" (a UsageError when it was one).
  bool settle(bool flag = false);

 private:
  bool alone() const { return comm_ == nullptr || comm_->size() == 1; }
  [[noreturn]] void fail_together() const;
  dist::Communicator* comm_ = nullptr;
  FailureLatch latch_;
};

}  // namespace genre::train
