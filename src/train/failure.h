#pragma once
// Failing together. In data-parallel training every rank must reach every
// collective; a rank whose own work throws (out of memory on one GPU, a write
// that fails on rank 0 alone, a callback that throws) and leaves would block
// the others in their next allreduce for ever. So local work runs inside a
// FailureLatch that keeps the first error instead of throwing, the rank keeps
// taking part in the collectives, and at the next agreement point (Trainer's
// settle: once per step, piggybacked on the interrupt flag, and before each
// evaluation, epoch callback and the end) every rank learns that one failed,
// and all throw the same error, naming the lowest failing rank and its reason.
#include <exception>
#include <string>

namespace genre::train {

// The one-line reason for a failure, as a trial's journal wants it: torch's
// message without its C++ backtrace, "out of memory: ..." for allocation
// failures (std::bad_alloc, CUDA), the nested chain otherwise.
std::string failure_text(const std::exception& e);

class FailureLatch {
 public:
  // Runs f unless a failure is already latched; keeps f's error instead of
  // throwing it.
  template <class F>
  void run(F&& f) {
    if (failed()) return;
    try {
      f();
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
