#include "train/config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

#include "common/error.h"

namespace genre::train {

using json = nlohmann::json;

namespace {

// A field: its documentation and how to set, read and check it. The problem
// texts of set/check are completed with the key by the callers.
struct Field {
  FieldDoc doc;
  std::function<void(TrainConfig&, const YAML::Node&)> set;
  std::function<json(const TrainConfig&)> get;
  std::function<std::string(const TrainConfig&)> check;  // "" when valid
};

class BadValue : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
using Ref = T& (*)(TrainConfig&);

template <class T>
T& at(Ref<T> ref, const TrainConfig& c) {
  return ref(const_cast<TrainConfig&>(c));
}

std::string text_of(const YAML::Node& n) {
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}

template <class T>
T scalar(const YAML::Node& n, const char* type) {
  if (!n.IsScalar()) throw BadValue(std::string("expected ") + type + ", got " + text_of(n));
  if constexpr (std::is_unsigned_v<T>)
    if (!n.Scalar().empty() && n.Scalar()[0] == '-') throw BadValue(std::string("expected ") + type + ", got " + text_of(n));
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    throw BadValue(std::string("expected ") + type + ", got " + text_of(n));
  }
}

std::string number_text(double v) {
  if (std::abs(v) < 1e15 && v == std::floor(v)) return std::to_string(static_cast<std::int64_t>(v));
  std::ostringstream s;
  s << v;
  return s.str();
}

template <class T>
std::string range_problem(T v, T lo, T hi) {
  if (v >= lo && v <= hi) return "";
  return number_text(static_cast<double>(v)) + " is out of range [" + number_text(static_cast<double>(lo)) + ", " +
         number_text(static_cast<double>(hi)) + "]";
}

template <class T>
Field number(const char* key, const char* doc, Ref<T> ref, T lo, T hi) {
  const char* type = std::is_integral_v<T> ? "an integer" : "a number";
  return {{key, std::is_integral_v<T> ? "int" : "float", "", doc + (" [" + number_text(lo) + ", " + number_text(hi) + "]")},
          [ref, type](TrainConfig& c, const YAML::Node& n) { ref(c) = scalar<T>(n, type); },
          [ref](const TrainConfig& c) { return json(at(ref, c)); },
          [ref, lo, hi](const TrainConfig& c) {
            const T v = at(ref, c);
            if constexpr (std::is_floating_point_v<T>)
              if (!std::isfinite(v)) return std::string("must be finite");
            return range_problem(v, lo, hi);
          }};
}

Field flag(const char* key, const char* doc, Ref<bool> ref) {
  return {{key, "bool", "", doc},
          [ref](TrainConfig& c, const YAML::Node& n) { ref(c) = scalar<bool>(n, "true or false"); },
          [ref](const TrainConfig& c) { return json(at(ref, c)); },
          [](const TrainConfig&) { return std::string(); }};
}

Field text(const char* key, const char* doc, Ref<std::string> ref) {
  return {{key, "string", "", doc},
          [ref](TrainConfig& c, const YAML::Node& n) { ref(c) = scalar<std::string>(n, "a string"); },
          [ref](const TrainConfig& c) { return json(at(ref, c)); },
          [](const TrainConfig&) { return std::string(); }};
}

Field choice(const char* key, const char* doc, Ref<std::string> ref, std::vector<std::string> options) {
  std::string list;
  for (const auto& o : options) list += (list.empty() ? "" : " | ") + o;
  return {{key, "string", "", std::string(doc) + ": " + list},
          [ref](TrainConfig& c, const YAML::Node& n) { ref(c) = scalar<std::string>(n, "a string"); },
          [ref](const TrainConfig& c) { return json(at(ref, c)); },
          [ref, options, list](const TrainConfig& c) {
            for (const auto& o : options)
              if (at(ref, c) == o) return std::string();
            return "'" + at(ref, c) + "' is not one of " + list;
          }};
}

Field int_list(const char* key, const char* doc, Ref<std::vector<int>> ref, int lo, int hi) {
  return {{key, "int list", "", doc + (" (each in [" + std::to_string(lo) + ", " + std::to_string(hi) + "])")},
          [ref](TrainConfig& c, const YAML::Node& n) {
            std::vector<int> v;
            if (n.IsScalar()) {
              v.push_back(scalar<int>(n, "a list of integers"));  // a lone number is a one-element list
            } else if (n.IsSequence()) {
              for (const auto& e : n) v.push_back(scalar<int>(e, "a list of integers"));
            } else {
              throw BadValue("expected a list of integers, got " + text_of(n));
            }
            ref(c) = v;
          },
          [ref](const TrainConfig& c) { return json(at(ref, c)); },
          [ref, lo, hi](const TrainConfig& c) {
            const auto& v = at(ref, c);
            if (v.empty()) return std::string("needs at least one entry");
            for (std::size_t i = 0; i < v.size(); ++i)
              if (auto p = range_problem(v[i], lo, hi); !p.empty()) return "entry " + std::to_string(i + 1) + ": " + p;
            return std::string();
          }};
}

Field optional_number(const char* key, const char* doc, Ref<std::optional<double>> ref, double lo, double hi) {
  return {{key, "float or null", "", doc + (" [" + number_text(lo) + ", " + number_text(hi) + "]; null: the model's default")},
          [ref](TrainConfig& c, const YAML::Node& n) {
            if (n.IsNull() || (n.IsScalar() && (n.Scalar() == "default" || n.Scalar() == "null")))
              ref(c).reset();
            else
              ref(c) = scalar<double>(n, "a number or null");
          },
          [ref](const TrainConfig& c) { return at(ref, c) ? json(*at(ref, c)) : json(nullptr); },
          [ref, lo, hi](const TrainConfig& c) {
            const auto& v = at(ref, c);
            if (!v) return std::string();
            if (!std::isfinite(*v)) return std::string("must be finite");
            return range_problem(*v, lo, hi);
          }};
}

constexpr int kMaxWidth = 1 << 16;

const std::vector<Field>& fields() {
  using S = std::string;
  static const std::vector<Field> table = [] {
    std::vector<Field> f{
        text("description", "free text describing the run", [](TrainConfig& c) -> S& { return c.description; }),

        choice("model.name", "the architecture", [](TrainConfig& c) -> S& { return c.model.name; }, {"mlp", "cnn", "resnet"}),
        int_list("model.hidden", "mlp: widths of the dense layers", [](TrainConfig& c) -> std::vector<int>& { return c.model.hidden; }, 1, kMaxWidth),
        int_list("model.filters", "cnn: filters of each conv block", [](TrainConfig& c) -> std::vector<int>& { return c.model.filters; }, 1, 4096),
        int_list("model.kernels", "cnn: square kernel size of each conv block (valid padding)", [](TrainConfig& c) -> std::vector<int>& { return c.model.kernels; }, 1, 15),
        int_list("model.pools", "cnn: max-pool size of each block (stride 2, same padding)", [](TrainConfig& c) -> std::vector<int>& { return c.model.pools; }, 1, 8),
        number<int>("model.stem", "resnet: filters of the first conv", [](TrainConfig& c) -> int& { return c.model.stem; }, 1, 4096),
        int_list("model.stages", "resnet: width of each stage (a 1x1 projection where the width changes)", [](TrainConfig& c) -> std::vector<int>& { return c.model.stages; }, 1, 4096),
        number<int>("model.blocks_per_stage", "resnet: residual blocks per stage", [](TrainConfig& c) -> int& { return c.model.blocks_per_stage; }, 1, 16),
        number<int>("model.dense", "cnn, resnet: width of the dense layer", [](TrainConfig& c) -> int& { return c.model.dense; }, 1, kMaxWidth),
        optional_number("model.dropout", "dropout rate (mlp, cnn: 0.3; resnet: 0.4)", [](TrainConfig& c) -> std::optional<double>& { return c.model.dropout; }, 0.0, 0.95),
        optional_number("model.dense_l2", "Keras-style L2 factor on the dense kernel (resnet: 1e-3, others 0)", [](TrainConfig& c) -> std::optional<double>& { return c.model.dense_l2; }, 0.0, 1.0),
        flag("model.batch_norm", "cnn, resnet: batch-norm layers", [](TrainConfig& c) -> bool& { return c.model.batch_norm; }),
        number<double>("model.bn_momentum", "batch-norm running-statistics momentum, torch convention (Keras 0.99 = 0.01)", [](TrainConfig& c) -> double& { return c.model.bn_momentum; }, 0.0, 1.0),
        number<double>("model.bn_eps", "batch-norm epsilon", [](TrainConfig& c) -> double& { return c.model.bn_eps; }, 1e-12, 1.0),

        choice("data.input", "what a sample is (auto: table rows for mlp when the data has them, else slices)", [](TrainConfig& c) -> S& { return c.data.input; }, {"auto", "features", "table", "track_table"}),
        number<int>("data.batch_size", "global batch size (split across the ranks of a trial)", [](TrainConfig& c) -> int& { return c.data.batch_size; }, 1, 1 << 20),
        number<int>("data.eval_batch_size", "batch size for evaluation", [](TrainConfig& c) -> int& { return c.data.eval_batch_size; }, 1, 1 << 20),
        flag("data.standardize", "standardise inputs with statistics of the training split (per column / per coefficient)", [](TrainConfig& c) -> bool& { return c.data.standardize; }),
        flag("data.shuffle", "reshuffle the training split every epoch (seeded)", [](TrainConfig& c) -> bool& { return c.data.shuffle; }),
        number<int>("data.memory_budget_mb", "per rank: data that fits is held in memory, larger data is streamed from the shards holding about this many MiB (docs/streaming.md)", [](TrainConfig& c) -> int& { return c.data.memory_budget_mb; }, 16, 1 << 24),

        choice("optim.name", "optimiser", [](TrainConfig& c) -> S& { return c.optim.name; }, {"adam", "adamw", "sgd"}),
        number<double>("optim.lr", "base learning rate", [](TrainConfig& c) -> double& { return c.optim.lr; }, 1e-12, 10.0),
        number<double>("optim.weight_decay", "weight decay: L2 added to the gradient for adam/sgd, decoupled for adamw", [](TrainConfig& c) -> double& { return c.optim.weight_decay; }, 0.0, 1.0),
        number<double>("optim.momentum", "sgd: momentum", [](TrainConfig& c) -> double& { return c.optim.momentum; }, 0.0, 0.999),
        flag("optim.nesterov", "sgd: Nesterov momentum", [](TrainConfig& c) -> bool& { return c.optim.nesterov; }),
        number<double>("optim.beta1", "adam/adamw: first-moment decay", [](TrainConfig& c) -> double& { return c.optim.beta1; }, 0.0, 0.9999),
        number<double>("optim.beta2", "adam/adamw: second-moment decay", [](TrainConfig& c) -> double& { return c.optim.beta2; }, 0.0, 0.999999),
        number<double>("optim.eps", "adam/adamw: epsilon (Keras' 1e-7)", [](TrainConfig& c) -> double& { return c.optim.eps; }, 1e-12, 1.0),

        choice("schedule.name", "learning-rate schedule, applied per epoch", [](TrainConfig& c) -> S& { return c.schedule.name; }, {"constant", "hold_then_decay", "cosine", "step"}),
        number<int>("schedule.hold_epochs", "hold_then_decay: epochs at the base rate", [](TrainConfig& c) -> int& { return c.schedule.hold_epochs; }, 0, 1000000),
        number<double>("schedule.decay", "hold_then_decay: factor per epoch after the hold", [](TrainConfig& c) -> double& { return c.schedule.decay; }, 1e-6, 1.0),
        number<int>("schedule.step_epochs", "step: epochs between reductions", [](TrainConfig& c) -> int& { return c.schedule.step_epochs; }, 1, 1000000),
        number<double>("schedule.gamma", "step: factor at each reduction", [](TrainConfig& c) -> double& { return c.schedule.gamma; }, 1e-6, 1.0),
        number<double>("schedule.min_lr", "cosine: the rate reached at the last epoch", [](TrainConfig& c) -> double& { return c.schedule.min_lr; }, 0.0, 10.0),

        number<int>("train.epochs", "epochs to train", [](TrainConfig& c) -> int& { return c.train.epochs; }, 1, 100000),
        number<std::uint64_t>("train.seed", "seed of initialisation, shuffling and dropout", [](TrainConfig& c) -> std::uint64_t& { return c.train.seed; }, 0, std::numeric_limits<std::uint64_t>::max()),
        number<double>("train.label_smoothing", "label smoothing of the cross-entropy", [](TrainConfig& c) -> double& { return c.train.label_smoothing; }, 0.0, 0.99),
        number<int>("train.patience", "early stopping: epochs without improvement of train.metric (0: off)", [](TrainConfig& c) -> int& { return c.train.patience; }, 0, 100000),
        number<double>("train.min_delta", "early stopping: smallest change that counts as improvement", [](TrainConfig& c) -> double& { return c.train.min_delta; }, 0.0, 1e9),
        choice("train.metric", "validation metric choosing the best epoch (checkpoint.pt) and driving early stopping", [](TrainConfig& c) -> S& { return c.train.metric; }, {"val_accuracy", "val_track_accuracy", "val_macro_f1", "val_loss"}),
        choice("train.device", "where to train (auto: CUDA when every rank has a GPU)", [](TrainConfig& c) -> S& { return c.train.device; }, {"auto", "cpu", "cuda"}),
        number<int>("train.threads", "torch threads per rank (0: the node's cores shared among its ranks)", [](TrainConfig& c) -> int& { return c.train.threads; }, 0, 1024),
    };
    const TrainConfig defaults;
    for (auto& field : f) field.doc.default_value = field.get(defaults).dump();
    return f;
  }();
  return table;
}

const Field* find_field(const std::string& key) {
  for (const auto& f : fields())
    if (f.doc.key == key) return &f;
  return nullptr;
}

bool is_section(const std::string& prefix) {
  for (const auto& f : fields())
    if (f.doc.key.rfind(prefix + ".", 0) == 0) return true;
  return false;
}

std::string keys_in(const std::string& section) {
  std::string out;
  for (const auto& f : fields())
    if (f.doc.key.rfind(section + ".", 0) == 0) out += (out.empty() ? "" : ", ") + f.doc.key;
  return out;
}

std::string where(const std::string& origin) { return origin.empty() ? "" : origin + ": "; }

void walk(TrainConfig& c, const YAML::Node& node, const std::string& prefix, const std::string& origin) {
  for (const auto& entry : node) {
    const std::string name = entry.first.as<std::string>();
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    if (find_field(key)) {
      set_value(c, key, entry.second);
      continue;
    }
    if (is_section(key)) {
      if (!entry.second.IsMap())
        throw UsageError(where(origin) + key + ": is a section (" + keys_in(key) + "), got " + text_of(entry.second));
      walk(c, entry.second, key, origin);
      continue;
    }
    const auto dot = key.rfind('.');
    const std::string section = dot == std::string::npos ? "" : key.substr(0, dot);
    throw UsageError(where(origin) + "unknown key '" + key + "'" +
                     (section.empty() || !is_section(section) ? " (sections: description, model, data, optim, schedule, train)"
                                                              : " (known in " + section + ": " + keys_in(section) + ")"));
  }
}

// Fields in table order (sections as declared), for output people read.
template <class J>
J nested(const TrainConfig& c) {
  J out = J::object();
  for (const auto& f : fields()) {
    const std::string& key = f.doc.key;
    const auto dot = key.find('.');
    if (dot == std::string::npos)
      out[key] = f.get(c);
    else
      out[key.substr(0, dot)][key.substr(dot + 1)] = f.get(c);
  }
  return out;
}

YAML::Node to_yaml_node(const nlohmann::ordered_json& j) {
  using json = nlohmann::ordered_json;
  YAML::Node n;
  switch (j.type()) {
    case json::value_t::object:
      for (const auto& [k, v] : j.items()) n[k] = to_yaml_node(v);
      return n;
    case json::value_t::array:
      n = YAML::Node(YAML::NodeType::Sequence);
      for (const auto& v : j) n.push_back(to_yaml_node(v));
      return n;
    case json::value_t::string: return YAML::Node(j.get<std::string>());
    case json::value_t::boolean: return YAML::Node(j.get<bool>());
    case json::value_t::number_integer: return YAML::Node(j.get<std::int64_t>());
    case json::value_t::number_unsigned: return YAML::Node(j.get<std::uint64_t>());
    case json::value_t::number_float: return YAML::Node(j.get<double>());
    default: return YAML::Node(YAML::NodeType::Null);
  }
}

}  // namespace

const std::vector<FieldDoc>& config_fields() {
  static const std::vector<FieldDoc> docs = [] {
    std::vector<FieldDoc> d;
    for (const auto& f : fields()) d.push_back(f.doc);
    return d;
  }();
  return docs;
}

void set_value(TrainConfig& c, const std::string& key, const YAML::Node& value) {
  const Field* f = find_field(key);
  if (!f) {
    const auto dot = key.find('.');
    throw UsageError("unknown key '" + key + "'" +
                     (dot != std::string::npos && is_section(key.substr(0, dot))
                          ? " (known in " + key.substr(0, dot) + ": " + keys_in(key.substr(0, dot)) + ")"
                          : ""));
  }
  try {
    f->set(c, value);
  } catch (const BadValue& e) {
    throw UsageError(key + ": " + e.what());
  }
}

void apply_yaml(TrainConfig& c, const YAML::Node& root, const std::string& origin) {
  if (!root || root.IsNull()) return;
  if (!root.IsMap()) throw UsageError(where(origin) + "a training config is a YAML mapping, got " + text_of(root));
  walk(c, root, "", origin);
}

void apply_override(TrainConfig& c, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--set " + assignment + ": expected key=value (e.g. optim.lr=1e-4)");
  const std::string key = assignment.substr(0, eq);
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw UsageError("--set " + key + ": cannot read the value as YAML: " + e.msg);
  }
  try {
    set_value(c, key, value);
  } catch (const UsageError& e) {
    throw UsageError(std::string("--set ") + e.what());
  }
}

void validate(const TrainConfig& c) {
  for (const auto& f : fields())
    if (const std::string problem = f.check(c); !problem.empty()) throw UsageError(f.doc.key + ": " + problem);
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
    throw UsageError("schedule.min_lr: " + number_text(c.schedule.min_lr) + " is above optim.lr " + number_text(c.optim.lr));
}

TrainConfig load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  TrainConfig c;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw UsageError("cannot read the training config " + file.string());
    YAML::Node root;
    try {
      root = YAML::Load(in);
    } catch (const YAML::Exception& e) {
      throw UsageError(file.string() + ": not valid YAML: " + e.what());
    }
    apply_yaml(c, root, file.string());
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

json to_json(const TrainConfig& c) { return nested<json>(c); }

TrainConfig config_from_json(const json& j, const std::string& origin) {
  TrainConfig c;
  apply_yaml(c, YAML::Load(j.dump()), origin);  // JSON is YAML
  try {
    validate(c);
  } catch (const UsageError&) {
    rethrow_with_context(origin);
  }
  return c;
}

std::string to_yaml(const TrainConfig& c) {
  YAML::Emitter out;
  out << to_yaml_node(nested<nlohmann::ordered_json>(c));
  return std::string(out.c_str()) + "\n";
}

json get_value(const TrainConfig& c, const std::string& key) {
  const Field* f = find_field(key);
  if (!f) throw UsageError("unknown key '" + key + "'");
  return f->get(c);
}

bool metric_maximized(const std::string& metric) { return metric.find("loss") == std::string::npos; }

}  // namespace genre::train
