#pragma once
// Pauses between non-blocking polls (Comm::message_waiting) of a loop that
// must not spin: Open MPI's blocking receives busy-wait, and a spinning or
// fast-polling coordinator steals the core of the threads or ranks doing the
// real work (measured in the preprocessor: a fixed 200 us poll slowed rank 0's
// own worker thread by ~10%). Right after activity the pauses are short, so
// a burst of messages is answered at once; while idle they double up to
// `longest`, which bounds how late an answer can be.
#include <algorithm>
#include <chrono>
#include <thread>

namespace genre::dist {

class PollBackoff {
 public:
  explicit PollBackoff(std::chrono::microseconds longest = std::chrono::microseconds(1000)) : longest_(longest) {}
  // Something happened: poll again soon.
  void activity() { pause_ = std::chrono::microseconds(0); }
  // Nothing happened: sleep a little longer than last time.
  void idle() {
    pause_ = std::min(longest_, pause_ * 2 + std::chrono::microseconds(20));
    std::this_thread::sleep_for(pause_);
  }

 private:
  std::chrono::microseconds longest_;
  std::chrono::microseconds pause_{0};
};

}  // namespace genre::dist
