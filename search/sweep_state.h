#pragma once
// The state of a sweep as the journal tells it: a pure fold over its events,
// shared by --resume (what is left to do) and the leaderboard (what to show).
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace genre::search {

enum class TrialStatus { kRunning, kFinished, kFailed, kPruned };
const char* status_name(TrialStatus s);

struct TrialRecord {
  int id = -1;
  nlohmann::json params;   // the swept values
  nlohmann::json config;   // the full training config
  int attempts = 0;        // trial_started events (restarts after resumes add one each)
  int group = -1;          // the group of the latest attempt
  TrialStatus status = TrialStatus::kRunning;
  std::string reason;      // kFailed: what went wrong
  int pruned_epoch = 0;    // kPruned: the rung where it stopped
  std::map<int, nlohmann::json> epochs;  // epoch -> metrics (a restarted trial's repeat replaces the earlier)
  nlohmann::json final_metrics = nlohmann::json::object();
  nlohmann::json confusion;  // of the best checkpoint, when finished
  double started_at = 0;     // time of the first trial_started
  double wall_s = 0;         // summed over attempts: trial_started to the attempt's last event

  // Attempts in a row, up to the latest, that journaled no epoch beyond the
  // ones before them and no end: each "lost its result" (killed before its
  // first new epoch, or its end never reached the journal). An attempt that
  // makes progress resets the count.
  int barren_before = 0;     // such attempts before the latest one
  bool progressed = false;   // the latest attempt journaled a new epoch
  int lost_results() const { return terminal() || progressed ? 0 : barren_before + 1; }

  bool terminal() const { return status != TrialStatus::kRunning; }
  int last_epoch() const { return epochs.empty() ? 0 : epochs.rbegin()->first; }
};

struct SweepState {
  nlohmann::json sweep = nlohmann::json::object();  // the latest sweep_started event
  std::vector<TrialRecord> trials;                   // by id: ids are 0, 1, 2, ...
  bool complete = false;   // the latest sweep_ended says complete
  int runs = 0;            // sweep_started events: 1 + resumes

  // The metric of the sweep, its goal and the test counterpart (from sweep_started).
  std::string metric() const;
  bool maximize() const;
  std::string test_metric() const;
};

// Folds the events in order. Throws Error for events that contradict each
// other (an epoch of a trial never started, a trial id out of sequence).
SweepState replay(const std::vector<nlohmann::json>& events);

}  // namespace genre::search
