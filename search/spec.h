#pragma once
// A sweep spec (jobs/*.yaml), parsed once into one typed struct and validated
// in a separate pass. Keys (W&B-sweeps vocabulary where W&B has one):
//
//   name: demo                       # optional; defaults to the --out folder's name
//   method: grid | random | tpe
//   metric: {name: val_track_accuracy, goal: maximize | minimize}
//   max_trials: 12                   # random: required; grid: caps the grid
//   seed: 7                          # random draws (and nothing else); default 0
//   ranks_per_trial: 1               # ranks that train one trial data-parallel
//   early_terminate: {type: asha, min_epochs: 1, eta: 3, max_epochs: 27}
//   base: {...} | seed-cnn.yaml      # the training config every trial starts from
//                                    # (inline, or a training job file relative to this one)
//   base_for_model:                  # optional, per model.name, merged over base
//     cnn: seed-cnn.yaml             #   (a sweep of several models, each from its own config)
//   parameters: {...}                # see params.h; dotted names override base keys
//
// Adaptive search (issue 14; docs/adaptive-search.md):
//   method: tpe
//   tpe: {n_startup_trials: 10, multivariate: false, ...}   # optional, tpe_options.h
//   early_terminate: {type: hyperband, min_epochs: 1, eta: 3, max_epochs: 27}
//   early_terminate: {type: median, n_startup_trials: 5, n_warmup_epochs: 0, interval_epochs: 1, min_trials: 1}
//   parameters: {model.filters: {values: [...], when: {model.name: cnn}}}   # conditional, params.h
//
// Every error is a UsageError "<file>: <key>: <problem>", raised before any work.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "search/early_stop_options.h"
#include "search/params.h"
#include "search/tpe_options.h"

namespace genre::search {

enum class Method { kGrid, kRandom, kTpe };
enum class Goal { kMaximize, kMinimize };

const char* method_name(Method m);
const char* goal_name(Goal g);
Goal parse_goal(const std::string& s);  // throws UsageError

struct MetricSpec {
  std::string name = "val_track_accuracy";  // a per-epoch validation metric of the trainer
  Goal goal = Goal::kMaximize;
  // Higher is better after this: the value for maximize, its negation for minimize.
  double score(double value) const { return goal == Goal::kMaximize ? value : -value; }
  // The test-split counterpart reported in the leaderboard ("val_x" -> "test_x").
  std::string test_name() const;
};

// Asynchronous successive halving: rungs at min_epochs * eta^k (below
// max_epochs); a trial reaching a rung continues only if it is among the top
// 1/eta of the trials that have reached that rung so far.
struct AshaSpec {
  int min_epochs = 1;  // first rung, >= 1
  int eta = 3;         // reduction factor, >= 2
  int max_epochs = 0;  // every trial trains at most this many epochs (sets the config's epochs)
  std::vector<int> rungs() const;
};

struct SweepSpec {
  std::string origin;   // the file it came from, for error messages
  std::string name;
  Method method = Method::kRandom;
  MetricSpec metric;
  std::optional<int> max_trials;
  std::uint64_t seed = 0;
  int ranks_per_trial = 1;
  std::optional<AshaSpec> asha;
  nlohmann::json base = nlohmann::json::object();  // the base training config
  std::map<std::string, nlohmann::json> base_for_model;  // model.name -> config merged over base
  std::vector<ParamSpec> parameters;

  // ---- Adaptive search (issue 14): its keys, kept in one block for the config layer. ----
  std::optional<TpeOptions> tpe;        // method tpe: its settings (the defaults unless `tpe:` sets some)
  std::optional<AshaSpec> hyperband;    // early_terminate type hyperband: asha's keys, every bracket of them
  std::optional<MedianOptions> median;  // early_terminate type median
  // asha's or hyperband's settings (whose max_epochs every trial trains, and
  // whose rungs are the budgets TPE fits on), or nullptr.
  const AshaSpec* multi_fidelity() const { return asha ? &*asha : hyperband ? &*hyperband : nullptr; }
  // Checks of the block above (conditions, tpe, median). Throws UsageError naming the key.
  void validate_adaptive() const;
  // ---- end of the adaptive block ----

  // Cross-field checks (grid over continuous values, random without
  // max_trials, ASHA against a swept epochs, ...). Throws UsageError naming the key.
  void validate() const;
  // The number of trials the sweep runs: max_trials, or the grid's size when smaller.
  int trial_count() const;
  // The full training config of a trial: base, the trial's model's
  // base_for_model merged over it, then each parameter's value
  // set at its dotted path, the epochs set by ASHA's max_epochs, the
  // checkpoint metric set to the sweep metric.
  nlohmann::json trial_config(const nlohmann::json& params) const;
};

// Keys of the training config (train/config.h) that the sweep sets: ASHA's
// max_epochs becomes the epochs, and the sweep metric the metric by which a
// trial's checkpoint keeps its best epoch.
inline constexpr const char* kEpochsKey = "train.epochs";
inline constexpr const char* kMetricKey = "train.metric";

// Reads and parses a spec file (not yet validated).
SweepSpec parse_spec_file(const std::filesystem::path& file);
// Parses spec text; relative `base:` paths resolve against `dir`.
SweepSpec parse_spec_text(const std::string& yaml, const std::string& origin, const std::filesystem::path& dir);

// Sets `value` at a dotted path ("optimizer.lr"), creating maps on the way.
void set_dotted(nlohmann::json& config, const std::string& path, const nlohmann::json& value);
// The value at a dotted path, or nullptr when absent.
const nlohmann::json* find_dotted(const nlohmann::json& config, const std::string& path);

// The spec's text with the training job files it names (base, base_for_model)
// inlined: the copy a run keeps as RUN/sweep.yaml must parse the same from
// the run folder, where those relative paths mean nothing. Unchanged when it
// names none.
std::string self_contained(const std::string& yaml, const SweepSpec& spec);

}  // namespace genre::search
