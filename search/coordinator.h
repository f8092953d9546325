#pragma once
// The coordinator's decisions, apart from how messages travel (STYLE.md §2):
// which trial a free group trains next, what an epoch report means (continue,
// prune, interrupt), how a trial's end is recorded. Every event is in the
// journal (fsync'ed) before the decision it supports is returned. The MPI
// transport (mpi_sweep.h) and the single-process loop both drive this class,
// and tests drive it directly.
//
// Every event it journals is fed to the algorithm at once, in journal order.
// Built from the journal of an earlier run (--resume), it replays the journal
// through the algorithm in the same order, and each trial is proposed again
// from the state its proposal saw (its trial_started `basis`: the number of
// events before it) and must match what the journal recorded; finished,
// failed and pruned trials are never handed out again; trials that were
// running are handed out first, to restart from their last checkpoint.
//
// Proposals run on the suggestion thread (suggester.h), off the message
// loop. Determinism: a trial's config is a pure function of the spec, its id
// and the first `basis` events of the journal, and `basis` is journaled with
// it, so a resumed sweep rebuilds exactly what an uninterrupted one had
// (with one group, or in-process, the event order itself is fixed, and the
// configs are those of an uninterrupted run). Which basis a live run uses is
// the coordinator's choice, made in journal order, not by the thread's
// timing: while no group waits, the next trial's proposal is computed ahead
// from the state now, and it is used only when no event that could change it
// (SearchAlgorithm::observe's answer) came in since; otherwise, and when
// nothing was ready, the waiting group's proposal is computed from the state
// when it asked, and used whatever comes in meanwhile. Groups asking at once
// are served one after another, so each sees the trials started before it
// (constant liar).
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
#include "search/suggester.h"
#include "search/sweep_state.h"
#include "search/trial_runner.h"

namespace genre::search {

// How a group's trial ended, as the worker reports it. kGroupLost: a rank of
// the group fell silent (dist::PeerTimeout): the trial is not at fault, the
// group is (see Coordinator::group_lost).
struct TrialEnd {
  enum class Kind { kFinished, kStopped, kInterrupted, kFailed, kGroupLost };
  Kind kind = Kind::kFinished;
  TrialResult result;   // kFinished, kStopped
  std::string reason;   // kFailed, kGroupLost
  int epochs = 0;       // kFailed: epochs completed before the failure
};

class Coordinator {
 public:
  // A trial whose latest attempts lost their result this many times in a row
  // (sweep_state.h: TrialRecord::lost_results) is not restarted again on
  // --resume: it is journaled failed, "lost its result N times".
  static constexpr int kMaxLostResults = 3;

  // `events`: the journal so far (empty for a new sweep). Throws UsageError
  // when the spec no longer produces the trials the journal recorded.
  Coordinator(const SweepSpec& spec, const std::filesystem::path& run_dir, const std::vector<nlohmann::json>& events);

  // Opens the journal for appending and records sweep_started, with the
  // fields of `record` added (what it runs on: sweep_identity.h). Call once,
  // after every rank has agreed to start.
  void start(int groups, const nlohmann::json& record = nlohmann::json::object());

  // The answer to a free group: the trial it trains next, or none (no trial
  // is left to start, or the job is ending: the group may quit).
  struct Answer {
    int group = -1;
    std::optional<TrialAssignment> trial;
  };
  // `group` is free. Its answer comes from answers(), at once or when its
  // proposal has been computed.
  void request(int group);
  // The answers that are ready (each journaled before it is returned); never blocks.
  std::vector<Answer> answers();
  // Whether a group is waiting for its answer.
  bool waiting() const { return !waiting_.empty(); }
  // request() and wait for the answer (one process alone, tests).
  std::optional<TrialAssignment> next(int group);
  // Journals the epoch, then answers it.
  Verdict epoch(int group, int trial, const EpochReport& report);
  // Journals how the trial ended.
  void end(int group, int trial, const TrialEnd& end);
  // `group` lost a rank while training `trial` (it fell silent): the group is
  // never answered again, and the trial, journaled trial_lost with the reason,
  // restarts from its checkpoint on another group, at once when one waits;
  // after kMaxLostResults lost results in a row it is journaled failed.
  void group_lost(int group, int trial, const std::string& reason);
  // The job is ending (SIGTERM): start nothing new; running trials are told
  // to checkpoint at their next epoch report.
  void interrupt();
  // Journals sweep_ended and closes the journal.
  void close();

  bool interrupted() const { return interrupted_; }
  // Every trial has its result in the journal (finished, failed or pruned) and
  // none is left to start: only then is the sweep "complete".
  bool complete() const;
  // Trials whose attempt in this run ended without a result (not journaled),
  // or that lost their group and found no other before the sweep ended:
  // --resume restarts them.
  std::vector<int> unresolved() const;
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
  struct Job {
    int trial;
    std::size_t basis;       // journal events the proposal saw
    std::uint64_t version;   // version_ when it was submitted
    bool requested;          // a group waits for it (it is used whatever comes in meanwhile)
  };
  std::filesystem::path trial_dir(int trial) const;
  TrialAssignment assignment(int trial, int attempt) const;
  void journal(const nlohmann::json& event);
  void verify_journal(const std::vector<nlohmann::json>& events, const SweepState& state);
  void pump(bool block);
  void hand_out(const Job& job, const std::optional<nlohmann::json>& params);
  TrialAssignment start_trial(int id, int group, long long basis);
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
  struct Lost {
    int trial, times, epochs;
  };
  std::vector<Lost> lost_;              // trials to journal failed at start()
  std::map<int, int> lost_results_;     // trials to restart: results lost in a row (journal + this run)
  std::vector<int> unresolved_;
  std::map<int, Running> running_;
  std::size_t journal_length_ = 0;  // complete events in the journal
  std::uint64_t version_ = 0;       // events that changed what the algorithm proposes
  Suggester suggester_;
  std::optional<Job> job_;          // submitted to suggester_
  std::optional<std::pair<Job, std::optional<nlohmann::json>>> ready_;  // a computed-ahead proposal
  bool exhausted_ = false;          // the algorithm proposes no more trials
  std::deque<int> waiting_;         // groups waiting for a new trial, in the order they asked
  std::vector<Answer> answers_;
  bool interrupted_ = false;
  int ended_now_ = 0;
  int ended_before_ = 0;  // trials that had ended before a --resume
  std::chrono::steady_clock::time_point started_at_ = std::chrono::steady_clock::now();
};

}  // namespace genre::search
