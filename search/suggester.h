#pragma once
// Runs proposals (algorithm.h) on a thread of their own, one at a time, so a
// slow suggestion never holds up the coordinator's message loop: submit() a
// job, poll() for its result while serving other messages. Nothing here
// decides which state a proposal sees; that is the coordinator's (and it is
// journaled), so results do not depend on the thread's timing.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "search/algorithm.h"

namespace genre::search {

class Suggester {
 public:
  struct Result {
    std::uint64_t ticket = 0;                 // submit()'s return value
    std::optional<nlohmann::json> params;     // the proposal's answer
  };

  Suggester();
  ~Suggester();  // waits for the job in hand, then joins
  Suggester(const Suggester&) = delete;
  Suggester& operator=(const Suggester&) = delete;

  // Starts `job`; only one runs at a time (call when idle()). Returns its ticket.
  std::uint64_t submit(Proposal job);
  // The finished job's result, once (nullopt while it runs or when none was
  // submitted). Rethrows what the job threw.
  std::optional<Result> poll();
  // Blocks until the submitted job is done, then as poll().
  std::optional<Result> wait();
  bool idle() const;  // no job submitted whose result is still to be taken

 private:
  void loop();
  mutable std::mutex mutex_;
  std::condition_variable wake_, done_;
  Proposal job_;
  std::uint64_t ticket_ = 0;
  bool busy_ = false, has_result_ = false, quit_ = false;
  Result result_;
  std::exception_ptr error_;
  std::thread thread_;  // last: started after everything it uses
};

}  // namespace genre::search
