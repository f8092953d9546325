#pragma once
// The search algorithm seam (DESIGN.md "Search"): a consumer of the sweep's
// events, in journal order, and a producer of configs. Grid, random and TPE
// propose configs; ASHA, Hyperband and the median rule wrap a proposer and
// decide early stopping from the same events.
//
// The coordinator feeds every journaled event to observe() as it journals it,
// and a resumed sweep replays the journal through observe() in the same
// order, so an algorithm's state is a function of the journal alone. A
// proposal is computed from a snapshot of that state (propose() returns a job
// that owns its inputs), so it can run on another thread while the
// coordinator goes on serving messages; what a trial gets depends only on
// the spec, the trial's id and the events before the snapshot, never on the
// timing of the computation (coordinator.h says how the snapshot is chosen).
#include <functional>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "search/spec.h"

namespace genre::search {

// One journal event as the algorithms see it.
struct TrialEvent {
  enum class Kind { kStarted, kEpoch, kFinished, kFailed, kPruned };
  Kind kind = Kind::kStarted;
  int trial = -1;
  nlohmann::json params;  // kStarted: the swept values (a restart repeats them)
  int epoch = 0;          // kEpoch; kPruned: the rung
  double score = std::numeric_limits<double>::quiet_NaN();  // kEpoch: MetricSpec::score (higher is better), NaN when missing
};

// The journal event as a TrialEvent; nullopt for events no algorithm needs
// (sweep_started, sweep_ended, or kinds of a later version).
std::optional<TrialEvent> trial_event(const nlohmann::json& journal_event, const MetricSpec& metric);

// Computes one trial's parameter values ({"optim.lr": 0.001, ...}), or
// nullopt when the sweep starts no more trials. Owns copies of its inputs.
using Proposal = std::function<std::optional<nlohmann::json>()>;

class SearchAlgorithm {
 public:
  virtual ~SearchAlgorithm() = default;
  // The job that computes trial `trial`'s values from the state now. Trials
  // are numbered 0, 1, 2, ... in the order they start; the same state and id
  // give the same values.
  virtual Proposal propose(int trial) const = 0;
  // One event, in journal order. Returns whether it may change what
  // propose() gives (a proposal computed before it is then stale).
  virtual bool observe(const TrialEvent& event) = 0;
  // Whether `trial` should stop after `epoch`, given the events so far.
  virtual bool should_stop(int trial, int epoch) const = 0;
  // How many of the first trials have configs that no result can change
  // (grid and random: all of them; TPE: its start-up trials), for --plan.
  virtual int fixed_trials() const = 0;
  // One line for --plan about how later configs are chosen ("" for none).
  virtual std::string plan_note() const { return ""; }

  // propose(i)() for i = 0, 1, 2, ... in turn, without events in between
  // (grid and random sweeps, --plan).
  std::optional<nlohmann::json> next_config();
  // The epoch event: trial `trial` ended `epoch` with `score`.
  void report(int trial, int epoch, double score);

 private:
  int next_trial_ = 0;
};

// The proposer per spec.method (grid, random, tpe), wrapped in the spec's
// early-stopping rule (asha, hyperband, median) when it has one.
std::unique_ptr<SearchAlgorithm> make_algorithm(const SweepSpec& spec);

}  // namespace genre::search
