#pragma once
// The training config: one typed struct, each field declared once (key,
// default, bounds, doc) in config.cpp's table, a config::Schema (STYLE.md §7).
// Parsed from YAML, then `--set key=value` overrides, then validated in one
// pass; every error names the dotted key (and the file and line). Plain data: no torch types, so the search
// coordinator can parse and write configs without LibTorch.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/field_doc.h"
#include "model/model_config.h"

namespace YAML {
class Node;
}

namespace genre::train {

struct DataConfig {
  std::string input = "auto";  // auto | features | table | track_table
  int batch_size = 32;
  int eval_batch_size = 256;
  bool standardize = true;
  bool shuffle = true;
  // Per rank: a dataset whose parts fit is held in memory, a larger one is
  // streamed from the shards with about this much held (docs/streaming.md).
  int memory_budget_mb = 4096;
};

struct OptimConfig {
  std::string name = "adam";  // adam | adamw | sgd
  double lr = 1e-3;
  double weight_decay = 0;    // L2 for adam/sgd (torch semantics), decoupled for adamw
  double momentum = 0.9;      // sgd
  bool nesterov = false;      // sgd
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-7;          // Keras' default, which the seed used
};

struct ScheduleConfig {
  std::string name = "constant";  // constant | hold_then_decay | cosine | step
  int hold_epochs = 10;           // hold_then_decay
  double decay = 0.95;            // hold_then_decay: factor per epoch after the hold
  int step_epochs = 10;           // step
  double gamma = 0.5;             // step
  double min_lr = 0;              // cosine floor
};

struct LoopConfig {
  int epochs = 50;
  std::uint64_t seed = 42;
  double label_smoothing = 0;
  int patience = 0;  // early stopping; 0 = off
  double min_delta = 0;
  std::string metric = "val_accuracy";  // val_accuracy | val_track_accuracy | val_macro_f1 | val_loss
  std::string device = "auto";          // cpu | cuda | auto
  int threads = 0;                      // torch intra-op threads; 0 = one per core shared by the node's ranks
  double peer_timeout_s = 300;          // how long a collective waits for a silent peer; 0 = for ever
                                        // (= dist::kDefaultPeerTimeoutSeconds, tests/train/test_config.cpp)
};

struct TrainConfig {
  std::string description;
  model::ModelConfig model;
  DataConfig data;
  OptimConfig optim;
  ScheduleConfig schedule;
  LoopConfig train;
};

// The documented fields, in table order, and the --help table of them.
using FieldDoc = config::FieldDoc;
const std::vector<FieldDoc>& config_fields();
std::string config_help();

// Applies the keys of a YAML mapping (nested sections or dotted keys) to c.
// Throws UsageError naming the key (and `origin`, e.g. the file) for unknown
// keys and malformed values. Does not validate: call validate() once at the end.
void apply_yaml(TrainConfig& c, const YAML::Node& root, const std::string& origin);
// "key=value", the value read as YAML ("1e-4", "[128, 64]", "true").
void apply_override(TrainConfig& c, const std::string& assignment);
// Sets one key from a YAML value (what the search worker uses for a sampled
// parameter).
void set_value(TrainConfig& c, const std::string& key, const YAML::Node& value);

// Bounds, choices and cross-field rules. Throws UsageError naming the key.
void validate(const TrainConfig& c);

// Defaults <- file (if not empty) <- overrides, validated.
TrainConfig load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides);

// Nested {"model": {...}, "optim": {...}, ...} with every field.
nlohmann::json to_json(const TrainConfig& c);
TrainConfig config_from_json(const nlohmann::json& j, const std::string& origin);  // validated
std::string to_yaml(const TrainConfig& c);
// The value of one key as JSON (e.g. for the leaderboard's parameter columns).
nlohmann::json get_value(const TrainConfig& c, const std::string& key);

// Whether a larger value of the metric is better ("val_loss" is the one that is not).
bool metric_maximized(const std::string& metric);

}  // namespace genre::train
