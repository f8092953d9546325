#pragma once
// Where a run stands: what one finished epoch reports (EpochRecord), what a
// run must carry over an interruption (TrainState, saved in state.pt) and
// what it returns (TrainResult).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/early_stopping.h"
#include "train/metrics.h"

namespace genre::train {

enum class Outcome { Completed, EarlyStopped, Stopped, Interrupted };
std::string to_string(Outcome o);
Outcome parse_outcome(const std::string& s);  // as to_string writes it; throws Error otherwise

// One finished epoch, identical on every rank.
struct EpochRecord {
  int epoch = 0;  // 1-based
  double lr = 0;
  Metrics train, val;
  bool has_val = false;
  bool improved = false;  // became the best epoch
  double seconds = 0;
  double samples_per_s = 0;
  // The metrics.jsonl line: flat scalars ("val_track_accuracy", ...) plus
  // per-class detail under "train" and "val".
  nlohmann::json to_json(const std::vector<std::string>& classes) const;
  // A scalar by name: "train_loss", "val_accuracy", "val_track_accuracy", "val_macro_f1", ...
  double value(const std::string& name) const;
};

// Everything of a run's progress that lives between steps, besides the
// weights, the optimiser and the epoch's training sums.
struct TrainState {
  int epoch = 0;          // next epoch to run (0-based)
  std::int64_t step = 0;  // next step within it
  BestEpoch best;
  bool finished = false;  // stopped early or by the caller
  Outcome finished_as = Outcome::Completed;
  double epoch_seconds = 0;  // of the current epoch so far (carried over an interruption)
  std::vector<nlohmann::json> history;  // the metrics.jsonl lines so far
};

struct TrainResult {
  Outcome outcome = Outcome::Completed;
  int epochs_run = 0;        // epochs finished, including those before a resume
  int best_epoch = 0;        // 0: none yet
  double best_value = 0;
  Metrics best_val;          // validation metrics of the best epoch
  bool has_test = false;
  Metrics test;              // of the best epoch's weights (not computed when interrupted)
  std::vector<nlohmann::json> history;  // the metrics.jsonl lines
  double seconds = 0;
};

// The result fields a state determines (outcome, epochs, best, history).
TrainResult result_so_far(const TrainState& state, Outcome outcome);

}  // namespace genre::train
