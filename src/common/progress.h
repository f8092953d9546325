#pragma once
// Progress of long work on rank 0: done/total, rate and ETA. On a terminal one
// line is rewritten in place; otherwise (a SLURM log file) a line is printed at
// most every `interval` seconds so logs stay short.
#include <chrono>
#include <cstdio>
#include <string>

namespace genre {

// "42s", "3m05s", "2h07m"; "?" for a negative or non-finite time.
std::string format_duration(double seconds);

class Progress {
 public:
  Progress(std::string what, std::size_t total, std::string unit, bool enabled,
           double interval_s = 10.0, std::FILE* out = stderr);
  // Reports `done` items finished so far; prints when due.
  void update(std::size_t done);
  // Prints the final line (always, when enabled).
  void finish(std::size_t done);

 private:
  std::string line(std::size_t done) const;
  std::string what_;
  std::size_t total_;
  std::string unit_;
  bool enabled_;
  bool tty_;
  double interval_s_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
};

}  // namespace genre
