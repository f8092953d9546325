#pragma once
// The coordinator's decisions, apart from how messages travel (STYLE.md §2):
// which trial a free group trains next, what an epoch report means (continue,
// prune, interrupt), how a trial's end is recorded. Every event is in the
// journal (fsync'ed) before the decision it supports is returned. The MPI
// transport (mpi_sweep.h) and the single-process loop both drive this class,
// and tests drive it directly.
//
// Built from the journal of an earlier run (--resume): its trials are proposed
// again by the algorithm and must match what the journal recorded; ASHA sees
// the journal's epochs in their original order; finished, failed and pruned
// trials are never handed out again; trials that were running are handed out
// first, to restart from their last checkpoint.
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "search/algorithm.h"
#include "search/journal.h"
#include "search/sweep_state.h"
#include "search/trial_runner.h"

namespace genre::search {

// How a group's trial ended, as the worker reports it.
struct TrialEnd {
  enum class Kind { kFinished, kStopped, kInterrupted, kFailed };
  Kind kind = Kind::kFinished;
  TrialResult result;   // kFinished, kStopped
  std::string reason;   // kFailed
  int epochs = 0;       // kFailed: epochs completed before the failure
};

class Coordinator {
 public:
  // `events`: the journal so far (empty for a new sweep). Throws UsageError
  // when the spec no longer produces the trials the journal recorded.
  Coordinator(const SweepSpec& spec, const std::filesystem::path& run_dir, const std::vector<nlohmann::json>& events);

  // Opens the journal for appending and records sweep_started. Call once,
  // after every rank has agreed to start.
  void start(int groups);

  // `group` is free: the trial it trains next, or nullopt when no trial is
  // left to start (or the job is ending); the group may then quit.
  std::optional<TrialAssignment> next(int group);
  // Journals the epoch, then answers it.
  Verdict epoch(int group, int trial, const EpochReport& report);
  // Journals how the trial ended.
  void end(int group, int trial, const TrialEnd& end);
  // The job is ending (SIGTERM): start nothing new; running trials are told
  // to checkpoint at their next epoch report.
  void interrupt();
  // Journals sweep_ended and closes the journal.
  void close();

  bool interrupted() const { return interrupted_; }
  int total() const { return total_; }
  std::size_t running() const { return running_.size(); }
  int ended_now() const { return ended_now_; }  // trials that ended in this run (not earlier ones)
  const std::filesystem::path& run_dir() const { return run_dir_; }
  const SweepSpec& spec() const { return spec_; }
  // Called after a trial ends (finished, failed, pruned), e.g. to render the leaderboard.
  std::function<void(int trial)> on_trial_end;

 private:
  struct Running {
    int group;
    int epochs = 0;
  };
  std::filesystem::path trial_dir(int trial) const;
  TrialAssignment assignment(int trial, int attempt) const;
  void journal(const nlohmann::json& event);
  void ended(int trial);  // counts it, logs the sweep's progress, calls on_trial_end

  SweepSpec spec_;
  std::filesystem::path run_dir_;
  std::unique_ptr<SearchAlgorithm> algorithm_;
  std::unique_ptr<JournalWriter> journal_;
  bool resumed_;
  int total_;
  std::vector<nlohmann::json> params_;  // by trial id
  std::vector<nlohmann::json> configs_; // by trial id
  std::vector<int> attempts_;           // by trial id
  std::deque<int> restart_;             // trials to restart, in id order
  std::map<int, Running> running_;
  bool interrupted_ = false;
  int ended_now_ = 0;
  int ended_before_ = 0;  // trials that had ended before a --resume
  std::chrono::steady_clock::time_point started_at_ = std::chrono::steady_clock::now();
};

}  // namespace genre::search
