#pragma once
// A rank's own failure, kept instead of thrown: the half of failing together
// (agreement.h) that needs no other rank. The trainer's agreement points are
// once per step (piggybacked on the interrupt flag) and before each
// evaluation, epoch callback and the end; a search trial's set-up has one
// after reading the data.
#include <exception>
#include <string>

#include "dist/peer_wait.h"

namespace genre::train {

// The one-line reason for a failure, as a trial's journal wants it: torch's
// message without its C++ backtrace, "out of memory: ..." for allocation
// failures (std::bad_alloc, CUDA), the nested chain otherwise.
std::string failure_text(const std::exception& e);

class FailureLatch {
 public:
  // Runs f unless a failure is already latched; keeps f's error instead of
  // throwing it. Except a peer timeout (f talked to the other ranks, e.g. a
  // sweep's verdict): the ranks cannot agree on anything any more, and the
  // next agreement point would wait for the silent peer all over again.
  template <class F>
  void run(F&& f) {
    if (failed()) return;
    try {
      f();
    } catch (const dist::PeerTimeout&) {
      throw;
    } catch (const std::exception& e) {
      latch(e, std::current_exception());
    }
  }
  bool failed() const { return error_ != nullptr; }
  const std::string& reason() const { return reason_; }
  bool usage() const { return usage_; }  // a UsageError: the caller's mistake (exit 2)
  // Throws the latched exception itself (one rank: nothing to agree on).
  [[noreturn]] void rethrow() const { std::rethrow_exception(error_); }

 private:
  void latch(const std::exception& e, std::exception_ptr error);
  std::exception_ptr error_;
  std::string reason_;
  bool usage_ = false;
};

}  // namespace genre::train
