#include "train/config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <limits>
#include <sstream>

#include "common/error.h"
#include "config/schema.h"
#include "config/yaml_json.h"
#include "config/yaml_reader.h"

namespace genre::train {

using json = nlohmann::json;

namespace {

using F = config::FieldsOf<TrainConfig>;
using S = std::string;
using Ints = std::vector<int>;
using Maybe = std::optional<double>;

constexpr int kMaxWidth = 1 << 16;

// The training config's table: one row per key, in the order --help and
// config.yaml show them. Defaults are TrainConfig's initialisers.
const config::Schema<TrainConfig>& schema() {
  static const config::Schema<TrainConfig> table({
      F::text("description", "free text describing the run", [](TrainConfig& c) -> S& { return c.description; }),

      F::choice("model.name", "the architecture", [](TrainConfig& c) -> S& { return c.model.name; }, {"mlp", "cnn", "resnet", "spectrogram_cnn", "mobilenet_v2"}),
      F::int_list("model.hidden", "mlp: widths of the dense layers", [](TrainConfig& c) -> Ints& { return c.model.hidden; }, 1, kMaxWidth),
      F::int_list("model.filters", "cnn: filters of each conv block", [](TrainConfig& c) -> Ints& { return c.model.filters; }, 1, 4096),
      F::int_list("model.kernels", "cnn: square kernel size of each conv block (valid padding)", [](TrainConfig& c) -> Ints& { return c.model.kernels; }, 1, 15),
      F::int_list("model.pools", "cnn: max-pool size of each block (stride 2, same padding)", [](TrainConfig& c) -> Ints& { return c.model.pools; }, 1, 8),
      F::number<int>("model.stem", "resnet: filters of the first conv", [](TrainConfig& c) -> int& { return c.model.stem; }, 1, 4096),
      F::int_list("model.stages", "resnet: width of each stage (a 1x1 projection where the width changes)", [](TrainConfig& c) -> Ints& { return c.model.stages; }, 1, 4096),
      F::number<int>("model.blocks_per_stage", "resnet: residual blocks per stage", [](TrainConfig& c) -> int& { return c.model.blocks_per_stage; }, 1, 16),
      F::number<int>("model.dense", "cnn, resnet: width of the dense layer", [](TrainConfig& c) -> int& { return c.model.dense; }, 1, kMaxWidth),
      F::optional_number("model.dropout", "dropout rate (mlp, cnn: 0.3; resnet: 0.4)", [](TrainConfig& c) -> Maybe& { return c.model.dropout; }, 0.0, 0.95),
      F::optional_number("model.dense_l2", "Keras-style L2 factor on the dense kernel (resnet: 1e-3, others 0)", [](TrainConfig& c) -> Maybe& { return c.model.dense_l2; }, 0.0, 1.0),
      F::flag("model.batch_norm", "cnn, resnet: batch-norm layers", [](TrainConfig& c) -> bool& { return c.model.batch_norm; }),
      F::number<double>("model.bn_momentum", "batch-norm running-statistics momentum, torch convention (Keras 0.99 = 0.01)", [](TrainConfig& c) -> double& { return c.model.bn_momentum; }, 0.0, 1.0),
      F::number<double>("model.bn_eps", "batch-norm epsilon", [](TrainConfig& c) -> double& { return c.model.bn_eps; }, 1e-12, 1.0),

      F::choice("data.input", "what a sample is (auto: table rows for mlp when the data has them, else slices)", [](TrainConfig& c) -> S& { return c.data.input; }, {"auto", "features", "table", "track_table"}),
      F::number<int>("data.batch_size", "global batch size (split across the ranks of a trial)", [](TrainConfig& c) -> int& { return c.data.batch_size; }, 1, 1 << 20),
      F::number<int>("data.eval_batch_size", "batch size for evaluation", [](TrainConfig& c) -> int& { return c.data.eval_batch_size; }, 1, 1 << 20),
      F::flag("data.standardize", "standardise inputs with statistics of the training split (per column / per coefficient)", [](TrainConfig& c) -> bool& { return c.data.standardize; }),
      F::flag("data.shuffle", "reshuffle the training split every epoch (seeded)", [](TrainConfig& c) -> bool& { return c.data.shuffle; }),
      F::number<int>("data.memory_budget_mb", "per rank: data that fits is held in memory, larger data is streamed from the shards holding about this many MiB (docs/streaming.md)", [](TrainConfig& c) -> int& { return c.data.memory_budget_mb; }, 16, 1 << 24),

      F::choice("optim.name", "optimiser", [](TrainConfig& c) -> S& { return c.optim.name; }, {"adam", "adamw", "sgd"}),
      F::number<double>("optim.lr", "base learning rate", [](TrainConfig& c) -> double& { return c.optim.lr; }, 1e-12, 10.0),
      F::number<double>("optim.weight_decay", "weight decay: L2 added to the gradient for adam/sgd, decoupled for adamw", [](TrainConfig& c) -> double& { return c.optim.weight_decay; }, 0.0, 1.0),
      F::number<double>("optim.momentum", "sgd: momentum", [](TrainConfig& c) -> double& { return c.optim.momentum; }, 0.0, 0.999),
      F::flag("optim.nesterov", "sgd: Nesterov momentum", [](TrainConfig& c) -> bool& { return c.optim.nesterov; }),
      F::number<double>("optim.beta1", "adam/adamw: first-moment decay", [](TrainConfig& c) -> double& { return c.optim.beta1; }, 0.0, 0.9999),
      F::number<double>("optim.beta2", "adam/adamw: second-moment decay", [](TrainConfig& c) -> double& { return c.optim.beta2; }, 0.0, 0.999999),
      F::number<double>("optim.eps", "adam/adamw: epsilon (Keras' 1e-7)", [](TrainConfig& c) -> double& { return c.optim.eps; }, 1e-12, 1.0),

      F::choice("schedule.name", "learning-rate schedule, applied per epoch", [](TrainConfig& c) -> S& { return c.schedule.name; }, {"constant", "hold_then_decay", "cosine", "step"}),
      F::number<int>("schedule.hold_epochs", "hold_then_decay: epochs at the base rate", [](TrainConfig& c) -> int& { return c.schedule.hold_epochs; }, 0, 1000000),
      F::number<double>("schedule.decay", "hold_then_decay: factor per epoch after the hold", [](TrainConfig& c) -> double& { return c.schedule.decay; }, 1e-6, 1.0),
      F::number<int>("schedule.step_epochs", "step: epochs between reductions", [](TrainConfig& c) -> int& { return c.schedule.step_epochs; }, 1, 1000000),
      F::number<double>("schedule.gamma", "step: factor at each reduction", [](TrainConfig& c) -> double& { return c.schedule.gamma; }, 1e-6, 1.0),
      F::number<double>("schedule.min_lr", "cosine: the rate reached at the last epoch", [](TrainConfig& c) -> double& { return c.schedule.min_lr; }, 0.0, 10.0),

      F::number<int>("train.epochs", "epochs to train", [](TrainConfig& c) -> int& { return c.train.epochs; }, 1, 100000),
      F::number<std::uint64_t>("train.seed", "seed of initialisation, shuffling and dropout", [](TrainConfig& c) -> std::uint64_t& { return c.train.seed; }, 0, std::numeric_limits<std::uint64_t>::max()),
      F::number<double>("train.label_smoothing", "label smoothing of the cross-entropy", [](TrainConfig& c) -> double& { return c.train.label_smoothing; }, 0.0, 0.99),
      F::number<int>("train.patience", "early stopping: epochs without improvement of train.metric (0: off)", [](TrainConfig& c) -> int& { return c.train.patience; }, 0, 100000),
      F::number<double>("train.min_delta", "early stopping: smallest change that counts as improvement", [](TrainConfig& c) -> double& { return c.train.min_delta; }, 0.0, 1e9),
      F::choice("train.metric", "validation metric choosing the best epoch (checkpoint.pt) and driving early stopping", [](TrainConfig& c) -> S& { return c.train.metric; }, {"val_accuracy", "val_track_accuracy", "val_macro_f1", "val_loss"}),
      F::choice("train.device", "where to train (auto: CUDA when every rank has a GPU)", [](TrainConfig& c) -> S& { return c.train.device; }, {"auto", "cpu", "cuda"}),
      F::number<int>("train.threads", "torch threads per rank (0: the node's cores shared among its ranks)", [](TrainConfig& c) -> int& { return c.train.threads; }, 0, 1024),
      F::number<double>("train.peer_timeout_s", "seconds a collective waits for a silent peer before the run gives up (genre train: exit 75, resumable; a sweep: the group is retired, the trial rerun elsewhere; 0: for ever)", [](TrainConfig& c) -> double& { return c.train.peer_timeout_s; }, 0.0, 604800.0),
  });
  return table;
}

}  // namespace

const std::vector<FieldDoc>& config_fields() { return schema().docs(); }

std::string config_help() { return schema().help(); }

void set_value(TrainConfig& c, const std::string& key, const YAML::Node& value) { schema().set(c, key, value); }

void apply_yaml(TrainConfig& c, const YAML::Node& root, const std::string& origin) {
  if (root && !root.IsNull() && !root.IsMap())
    throw UsageError((origin.empty() ? "" : origin + ": ") + "a training config is a YAML mapping, got " +
                     config::detail::shown(root));
  schema().read(c, root, origin);
}

void apply_override(TrainConfig& c, const std::string& assignment) { schema().apply_override(c, assignment); }

void validate(const TrainConfig& c) {
  schema().validate(c);
  // Rules across fields.
  const auto& m = c.model;
  if (m.kernels.size() != m.filters.size())
    throw UsageError("model.kernels: has " + std::to_string(m.kernels.size()) + " entries but model.filters has " +
                     std::to_string(m.filters.size()));
  if (m.pools.size() != m.filters.size())
    throw UsageError("model.pools: has " + std::to_string(m.pools.size()) + " entries but model.filters has " +
                     std::to_string(m.filters.size()));
  if (c.optim.nesterov && (c.optim.name != "sgd" || c.optim.momentum <= 0))
    throw UsageError("optim.nesterov: needs optim.name sgd with optim.momentum > 0");
  if (c.data.input == "track_table" && m.name != "mlp")
    throw UsageError("data.input: track_table rows suit only model.name mlp, not " + m.name);
  if (c.data.input == "table" && m.name != "mlp")
    throw UsageError("data.input: table rows suit only model.name mlp, not " + m.name);
  if (c.schedule.name == "cosine" && c.schedule.min_lr > c.optim.lr)
    throw UsageError("schedule.min_lr: " + config::detail::number_text(c.schedule.min_lr) + " is above optim.lr " + config::detail::number_text(c.optim.lr));
}

TrainConfig load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  TrainConfig c;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw UsageError("cannot read the training config " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    apply_yaml(c, config::read_yaml(text.str(), file.string()), file.string());
  }
  for (const auto& o : overrides) apply_override(c, o);
  try {
    validate(c);
  } catch (const UsageError& e) {  // the file's values broke a bound: say which file
    if (file.empty()) throw;
    throw UsageError(file.string() + ": " + e.what());
  }
  return c;
}

json to_json(const TrainConfig& c) { return json(schema().to_json(c)); }

TrainConfig config_from_json(const json& j, const std::string& origin) {
  TrainConfig c;
  apply_yaml(c, config::read_yaml(j.dump(), origin), origin);  // JSON is YAML
  try {
    validate(c);
  } catch (const UsageError&) {
    rethrow_with_context(origin);
  }
  return c;
}

std::string to_yaml(const TrainConfig& c) { return config::json_to_yaml(schema().to_json(c)); }

json get_value(const TrainConfig& c, const std::string& key) { return json(schema().get(c, key)); }

bool metric_maximized(const std::string& metric) { return metric.find("loss") == std::string::npos; }

}  // namespace genre::train
