#include "search/spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"
#include "config/schema.h"
#include "config/yaml_json.h"
#include "config/yaml_reader.h"

namespace genre::search {

namespace {

[[noreturn]] void bad(const std::string& key, const std::string& problem) { throw UsageError(key + ": " + problem); }

// A spec value in an error message; bytes that are not UTF-8 (which dump()
// would throw on) show as U+FFFD.
std::string dumped(const nlohmann::json& v) { return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string show(const YAML::Node& n) {
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  return "nothing";
}

std::string text(const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar() || n.Scalar().empty()) bad(key, "must be a non-empty text (got " + show(n) + ")");
  return n.Scalar();
}

std::int64_t integer(const YAML::Node& n, const std::string& key, std::int64_t lo, std::int64_t hi) {
  const auto v = n.IsScalar() ? config::yaml_to_json(n, key) : nlohmann::json();
  if (!v.is_number_integer()) bad(key, "must be an integer (got " + show(n) + ")");
  const auto i = v.get<std::int64_t>();
  if (i < lo || i > hi)
    bad(key, "must be " + (hi == std::numeric_limits<std::int64_t>::max() ? "at least " + std::to_string(lo)
                                                                           : "in " + std::to_string(lo) + ".." + std::to_string(hi)) +
                 " (got " + std::to_string(i) + ")");
  return i;
}

void known_keys(const YAML::Node& map, const std::string& where, const std::set<std::string>& keys) {
  for (const auto& kv : map) {
    const std::string k = kv.first.Scalar();
    if (keys.count(k)) continue;
    std::string list;
    for (const auto& x : keys) list += (list.empty() ? "" : ", ") + x;
    bad(where.empty() ? k : where + "." + k, "unknown key (known: " + list + ")");
  }
}

Method parse_method(const std::string& s) {
  if (s == "grid") return Method::kGrid;
  if (s == "random") return Method::kRandom;
  if (s == "tpe") return Method::kTpe;
  bad("method", "unknown method '" + s + "' (supported: grid, random, tpe)");
}

// asha's keys; hyperband takes the same three.
AshaSpec parse_asha(const YAML::Node& n, const nlohmann::json& base) {
  known_keys(n, "early_terminate", {"type", "min_epochs", "eta", "max_epochs"});
  AshaSpec a;
  constexpr std::int64_t kMaxEpochs = 100000;
  if (n["min_epochs"]) a.min_epochs = static_cast<int>(integer(n["min_epochs"], "early_terminate.min_epochs", 1, kMaxEpochs));
  if (n["eta"]) a.eta = static_cast<int>(integer(n["eta"], "early_terminate.eta", 2, 1000));
  if (n["max_epochs"]) {
    a.max_epochs = static_cast<int>(integer(n["max_epochs"], "early_terminate.max_epochs", 1, kMaxEpochs));
  } else if (const auto* e = find_dotted(base, kEpochsKey); e && e->is_number_integer()) {
    a.max_epochs = e->get<int>();
  } else {
    bad("early_terminate.max_epochs", std::string("is required (or set ") + kEpochsKey + " in base)");
  }
  if (a.max_epochs < a.min_epochs)
    bad("early_terminate.max_epochs", "must be at least min_epochs (" + std::to_string(a.max_epochs) + " < " +
                                          std::to_string(a.min_epochs) + ")");
  return a;
}

// Training configs may spell a key dotted ("train.epochs: 5") or nested; the
// sweep overrides by path, so every key is nested here.
void merge_at(nlohmann::json& out, const std::string& path, const nlohmann::json& v) {
  for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1))
    if (const auto* p = find_dotted(out, path.substr(0, dot)); p && !p->is_object())
      bad("base." + path, "is given twice (base." + path.substr(0, dot) + " is not a mapping)");
  const auto* existing = find_dotted(out, path);
  if (!existing) {
    set_dotted(out, path, v);
    return;
  }
  if (!existing->is_object() || !v.is_object()) bad("base." + path, "is given twice (once dotted, once nested)");
  for (const auto& [k, x] : v.items()) merge_at(out, path + "." + k, x);
}

nlohmann::json nest_dotted(const nlohmann::json& j) {
  if (!j.is_object()) return j;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : j.items()) merge_at(out, k, nest_dotted(v));
  return out;
}

nlohmann::json parse_base(const YAML::Node& n, const std::filesystem::path& dir, const std::string& key = "base") {
  if (n.IsMap()) return nest_dotted(config::yaml_to_json(n, key));
  if (!n.IsScalar()) bad(key, "must be a mapping (the training config) or the path of a training job file");
  const std::filesystem::path file = dir / n.Scalar();
  std::string text;
  try {
    text = read_file(file);
  } catch (const Error&) {
    bad(key, "cannot read '" + file.string() + "'");
  }
  YAML::Node doc;
  try {
    doc = config::read_yaml(text, file.string());
  } catch (const UsageError& e) {
    bad(key, e.what());
  }
  if (!doc.IsMap()) bad(key, "'" + file.string() + "' does not hold a mapping");
  return nest_dotted(config::yaml_to_json(doc, key));
}

// base_for_model: {mlp: ..., cnn: ..., resnet: ...}, each like base.
std::map<std::string, nlohmann::json> parse_base_for_model(const YAML::Node& n, const std::filesystem::path& dir) {
  if (!n.IsMap()) bad("base_for_model", "must be a mapping from model.name (mlp, cnn, resnet) to a training config");
  std::map<std::string, nlohmann::json> out;
  for (const auto& entry : n) {
    const std::string name = entry.first.as<std::string>();
    const std::string key = "base_for_model." + name;
    if (name != "mlp" && name != "cnn" && name != "resnet") bad(key, "'" + name + "' is not a model (mlp, cnn, resnet)");
    nlohmann::json config = parse_base(entry.second, dir, key);
    if (const auto* m = find_dotted(config, "model.name"); m && *m != name)
      bad(key + ".model.name", "is " + m->dump() + " in the config for " + name);
    out[name] = std::move(config);
  }
  return out;
}

// ---- Adaptive search (issue 14): the parse lines of its keys. ----
bool boolean(const YAML::Node& n, const std::string& key) {
  const auto v = n.IsScalar() ? config::yaml_to_json(n, key) : nlohmann::json();
  if (!v.is_boolean()) bad(key, "must be true or false (got " + show(n) + ")");
  return v.get<bool>();
}

double real(const YAML::Node& n, const std::string& key) {
  const auto v = n.IsScalar() ? config::yaml_to_json(n, key) : nlohmann::json();
  if (!v.is_number()) bad(key, "must be a number (got " + show(n) + ")");
  return v.get<double>();
}

// Integers are range-checked by TpeOptions::validate and MedianOptions::validate.
int any_int(const YAML::Node& n, const std::string& key) {
  return static_cast<int>(integer(n, key, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

TpeOptions parse_tpe(const YAML::Node& n) {
  if (!n.IsMap()) bad("tpe", "must be a mapping of TPE settings (n_startup_trials, multivariate, ...)");
  known_keys(n, "tpe", {"n_startup_trials", "n_ei_candidates", "multivariate", "consider_prior", "prior_weight",
                        "consider_magic_clip", "consider_endpoints", "gamma", "gamma_max", "constant_liar"});
  TpeOptions t;
  if (n["n_startup_trials"]) t.n_startup_trials = any_int(n["n_startup_trials"], "tpe.n_startup_trials");
  if (n["n_ei_candidates"]) t.n_ei_candidates = any_int(n["n_ei_candidates"], "tpe.n_ei_candidates");
  if (n["multivariate"]) t.multivariate = boolean(n["multivariate"], "tpe.multivariate");
  if (n["consider_prior"]) t.consider_prior = boolean(n["consider_prior"], "tpe.consider_prior");
  if (n["prior_weight"]) t.prior_weight = real(n["prior_weight"], "tpe.prior_weight");
  if (n["consider_magic_clip"]) t.consider_magic_clip = boolean(n["consider_magic_clip"], "tpe.consider_magic_clip");
  if (n["consider_endpoints"]) t.consider_endpoints = boolean(n["consider_endpoints"], "tpe.consider_endpoints");
  if (n["gamma"]) t.gamma = real(n["gamma"], "tpe.gamma");
  if (n["gamma_max"]) t.gamma_max = any_int(n["gamma_max"], "tpe.gamma_max");
  if (n["constant_liar"]) t.constant_liar = boolean(n["constant_liar"], "tpe.constant_liar");
  return t;
}

MedianOptions parse_median(const YAML::Node& n) {
  known_keys(n, "early_terminate", {"type", "n_startup_trials", "n_warmup_epochs", "interval_epochs", "min_trials"});
  MedianOptions m;
  if (n["n_startup_trials"]) m.n_startup_trials = any_int(n["n_startup_trials"], "early_terminate.n_startup_trials");
  if (n["n_warmup_epochs"]) m.n_warmup_epochs = any_int(n["n_warmup_epochs"], "early_terminate.n_warmup_epochs");
  if (n["interval_epochs"]) m.interval_epochs = any_int(n["interval_epochs"], "early_terminate.interval_epochs");
  if (n["min_trials"]) m.min_trials = any_int(n["min_trials"], "early_terminate.min_trials");
  return m;
}

void parse_early_terminate(const YAML::Node& n, SweepSpec& s) {
  if (!n.IsMap())
    bad("early_terminate", "must be a mapping {type: asha | hyperband | median, ...}");
  if (!n["type"]) bad("early_terminate.type", "is required (asha, hyperband or median)");
  const std::string type = text(n["type"], "early_terminate.type");
  if (type == "asha") s.asha = parse_asha(n, s.base);
  else if (type == "hyperband") s.hyperband = parse_asha(n, s.base);
  else if (type == "median") s.median = parse_median(n);
  else bad("early_terminate.type", "unknown type '" + type + "' (supported: asha, hyperband, median)");
}
// ---- end of the adaptive block ----

// The spec's fixed keys as written, read and checked by the schema below; the
// parts with readers of their own (base, base_for_model, early_terminate,
// tpe, parameters) are kept as YAML for them.
struct WrittenSweep {
  std::optional<std::string> name, description, method, metric_name, metric_goal;
  std::optional<long> max_trials, seed, ranks_per_trial;
  // Undefined (false) when the key is not written; a default Node is a null value.
  YAML::Node base{YAML::NodeType::Undefined}, base_for_model{YAML::NodeType::Undefined},
      early_terminate{YAML::NodeType::Undefined}, tpe{YAML::NodeType::Undefined}, parameters{YAML::NodeType::Undefined};
};

void non_empty(const std::string& key, const std::string& v) {
  if (v.empty()) bad(key, "must be a non-empty text");
}

const config::Schema<WrittenSweep>& sweep_keys() {
  using F = config::FieldsOf<WrittenSweep>;
  using W = WrittenSweep;
  auto text_at = [](std::optional<std::string> W::*m) { return [m](W& w) -> std::optional<std::string>& { return w.*m; }; };
  auto int_at = [](std::optional<long> W::*m) { return [m](W& w) -> std::optional<long>& { return w.*m; }; };
  auto yaml_at = [](YAML::Node W::*m) { return [m](W& w) -> YAML::Node& { return w.*m; }; };
  static const config::Schema<WrittenSweep> schema({
      F::maybe_text("name", "the sweep's name (default: the --out folder's)", text_at(&W::name), non_empty),
      F::maybe_text("description", "free text", text_at(&W::description)),
      F::maybe_text("method", "grid | random | tpe", text_at(&W::method),
                    [](const std::string& key, const std::string& v) {
                      non_empty(key, v);
                      parse_method(v);
                    }),
      F::maybe_text("metric.name", "a per-epoch validation metric of the trainer", text_at(&W::metric_name), non_empty),
      F::maybe_text("metric.goal", "maximize | minimize", text_at(&W::metric_goal),
                    [](const std::string& key, const std::string& v) {
                      non_empty(key, v);
                      parse_goal(v);
                    }),
      F::maybe_integer("max_trials", "trials to run (random, tpe: required; grid: caps the grid)", int_at(&W::max_trials), 1, 1000000),
      F::maybe_integer("seed", "seed of the random draws", int_at(&W::seed), 0, std::numeric_limits<long>::max()),
      F::maybe_integer("ranks_per_trial", "ranks that train one trial data-parallel", int_at(&W::ranks_per_trial), 1, 1 << 20),
      F::yaml("base", "the training config every trial starts from, or a training job file", yaml_at(&W::base)),
      F::yaml("base_for_model", "per model.name, a config merged over base", yaml_at(&W::base_for_model)),
      F::yaml("early_terminate", "asha | hyperband | median and its settings", yaml_at(&W::early_terminate)),
      F::yaml("tpe", "method tpe's settings", yaml_at(&W::tpe)),
      F::yaml("parameters", "the values to sweep (search/params.h)", yaml_at(&W::parameters)),
  });
  return schema;
}

SweepSpec parse(const YAML::Node& root, const std::filesystem::path& dir) {
  if (!root.IsMap()) bad("(top level)", "a sweep spec must be a mapping");
  WrittenSweep w;
  sweep_keys().read(w, root, "");
  sweep_keys().validate(w);
  SweepSpec s;
  if (w.name) s.name = *w.name;
  if (!w.method) bad("method", "is required (grid, random or tpe)");
  s.method = parse_method(*w.method);
  if (root["metric"] && !w.metric_name) bad("metric.name", "is required");
  if (w.metric_name) s.metric.name = *w.metric_name;
  if (w.metric_goal) s.metric.goal = parse_goal(*w.metric_goal);
  if (w.max_trials) s.max_trials = static_cast<int>(*w.max_trials);
  if (w.seed) s.seed = static_cast<std::uint64_t>(*w.seed);
  if (w.ranks_per_trial) s.ranks_per_trial = static_cast<int>(*w.ranks_per_trial);
  if (w.base) s.base = parse_base(w.base, dir);
  if (w.base_for_model) s.base_for_model = parse_base_for_model(w.base_for_model, dir);
  if (w.early_terminate) parse_early_terminate(w.early_terminate, s);
  // Adaptive search: method tpe always has its settings, `tpe:` only with it.
  if (w.tpe && s.method != Method::kTpe) bad("tpe", "goes only with method: tpe");
  if (s.method == Method::kTpe) s.tpe = w.tpe ? parse_tpe(w.tpe) : TpeOptions{};
  if (!w.parameters) bad("parameters", "is required (the values to sweep)");
  s.parameters = parse_parameters(w.parameters, "parameters");
  return s;
}

}  // namespace

const char* method_name(Method m) {
  switch (m) {
    case Method::kGrid: return "grid";
    case Method::kRandom: return "random";
    case Method::kTpe: return "tpe";
  }
  return "?";
}
const char* goal_name(Goal g) { return g == Goal::kMaximize ? "maximize" : "minimize"; }

Goal parse_goal(const std::string& s) {
  if (s == "maximize") return Goal::kMaximize;
  if (s == "minimize") return Goal::kMinimize;
  bad("metric.goal", "must be maximize or minimize (got '" + s + "')");
}

std::string MetricSpec::test_name() const {
  if (name.rfind("val_", 0) == 0) return "test_" + name.substr(4);
  return "test_" + name;
}

std::vector<int> AshaSpec::rungs() const {
  std::vector<int> out;
  for (long long r = min_epochs; r < max_epochs; r *= eta) out.push_back(static_cast<int>(r));
  return out;
}

void SweepSpec::validate() const {
  try {
    if (parameters.empty()) bad("parameters", "is empty: nothing to sweep");
    if (metric.name.rfind("test_", 0) == 0)
      bad("metric.name", "'" + metric.name + "' is a test metric; sweeps choose by a validation metric (val_...)");
    if (method != Method::kGrid && !max_trials)
      bad("max_trials", std::string("is required for method ") + method_name(method));
    if (method == Method::kGrid) {
      double size = 1;
      for (const auto& p : parameters) size *= static_cast<double>(p.grid_values().size());
      if (size > 1e6) bad("parameters", "the grid has " + std::to_string(size) + " points; narrow it");
    }
    for (const auto& p : parameters) {
      if (multi_fidelity() && p.name == kEpochsKey)
        bad("parameters." + p.name, std::string("cannot be swept with early_terminate: ") + (asha ? "asha" : "hyperband") +
                                        " sets epochs to max_epochs");
      if (p.name == kMetricKey)
        bad("parameters." + p.name, "cannot be swept: it is the sweep's metric.name");
      for (const auto& q : parameters)
        if (&p != &q && q.name.rfind(p.name + ".", 0) == 0)
          bad("parameters." + q.name, "lies inside parameters." + p.name + ", which is also swept");
      // A dotted name must not run through a base value that is not a mapping.
      for (std::size_t dot = p.name.find('.'); dot != std::string::npos; dot = p.name.find('.', dot + 1)) {
        const auto* v = find_dotted(base, p.name.substr(0, dot));
        if (v && !v->is_object())
          bad("parameters." + p.name, "base." + p.name.substr(0, dot) + " is " + dumped(*v) + ", not a mapping");
      }
    }
    validate_adaptive();
  } catch (const UsageError& e) {
    throw UsageError(origin + ": " + e.what());
  }
}

// ---- Adaptive search (issue 14): the checks of its keys. ----
void SweepSpec::validate_adaptive() const {
  if (tpe) tpe->validate();
  if (median) median->validate();
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const ParamSpec& p = parameters[i];
    for (const auto& c : p.when) {
      const std::string key = "parameters." + p.name + ".when." + c.param;
      if (method == Method::kGrid)
        bad("parameters." + p.name + ".when", "conditional parameters need method random or tpe (a grid has no tree)");
      const auto earlier = std::find_if(parameters.begin(), parameters.begin() + static_cast<std::ptrdiff_t>(i),
                                        [&](const ParamSpec& q) { return q.name == c.param; });
      if (earlier == parameters.begin() + static_cast<std::ptrdiff_t>(i)) {
        const bool later = std::any_of(parameters.begin(), parameters.end(), [&](const ParamSpec& q) { return q.name == c.param; });
        bad(key, later ? "names a parameter declared after this one (declare " + c.param + " first)"
                       : "names no swept parameter (known: " + [&] {
                           std::string names;
                           for (const auto& q : parameters) names += (names.empty() ? "" : ", ") + q.name;
                           return names;
                         }() + ")");
      }
      if (earlier->distribution == Distribution::kConstant || earlier->distribution == Distribution::kCategorical)
        for (const auto& v : c.values)
          if (std::find(earlier->values.begin(), earlier->values.end(), v) == earlier->values.end())
            bad(key, dumped(v) + " is not one of " + c.param + "'s values, so " + p.name + " would never apply");
    }
  }
}
// ---- end of the adaptive block ----

int SweepSpec::trial_count() const {
  if (method != Method::kGrid) return max_trials.value_or(0);
  double size = 1;
  for (const auto& p : parameters) size *= static_cast<double>(p.grid_values().size());
  const int grid = static_cast<int>(size);
  return max_trials ? std::min(*max_trials, grid) : grid;
}

nlohmann::json SweepSpec::trial_config(const nlohmann::json& params) const {
  nlohmann::json config = base;
  // The model's own base goes over the shared one (a deep merge: mappings
  // merge key by key, anything else is replaced), then the parameters.
  const auto swept = params.find("model.name");
  const nlohmann::json* name = swept != params.end() ? &*swept : find_dotted(base, "model.name");
  if (name && name->is_string())
    if (const auto it = base_for_model.find(name->get<std::string>()); it != base_for_model.end())
      config.merge_patch(it->second);
  // Inactive conditional parameters are absent from params and stay unset.
  for (const auto& p : parameters)
    if (const auto it = params.find(p.name); it != params.end()) set_dotted(config, p.name, *it);
  if (const AshaSpec* mf = multi_fidelity()) set_dotted(config, kEpochsKey, mf->max_epochs);
  set_dotted(config, kMetricKey, metric.name);
  return config;
}

SweepSpec parse_spec_text(const std::string& yaml, const std::string& origin, const std::filesystem::path& dir) {
  try {
    SweepSpec s = parse(config::read_yaml(yaml, ""), dir);
    s.origin = origin;
    return s;
  } catch (const UsageError& e) {
    throw UsageError(origin + ": " + e.what());
  } catch (const Error& e) {  // yaml_to_json's structural complaints
    throw UsageError(origin + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {  // e.g. a string that is not UTF-8, met by dump()
    throw UsageError(origin + ": " + e.what());
  }
}

SweepSpec parse_spec_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw UsageError(file.string() + ": cannot read the sweep spec");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_spec_text(text.str(), file.string(), file.parent_path());
}

void set_dotted(nlohmann::json& config, const std::string& path, const nlohmann::json& value) {
  nlohmann::json* at = &config;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!at->is_object()) *at = nlohmann::json::object();
    if (dot == std::string::npos) {
      (*at)[key] = value;
      return;
    }
    at = &(*at)[key];
    start = dot + 1;
  }
}

const nlohmann::json* find_dotted(const nlohmann::json& config, const std::string& path) {
  const nlohmann::json* at = &config;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!at->is_object()) return nullptr;
    const auto it = at->find(key);
    if (it == at->end()) return nullptr;
    if (dot == std::string::npos) return &*it;
    at = &*it;
    start = dot + 1;
  }
}

std::string self_contained(const std::string& yaml, const SweepSpec& spec) {
  YAML::Node root = config::read_yaml(yaml, spec.origin);
  bool changed = false;
  if (root["base"] && root["base"].IsScalar()) {
    root["base"] = config::read_yaml(config::json_to_yaml(spec.base), spec.origin);
    changed = true;
  }
  if (root["base_for_model"] && root["base_for_model"].IsMap()) {
    root["base_for_model"].SetStyle(YAML::EmitterStyle::Block);  // a flow map would flatten the inlined configs
    for (auto entry : root["base_for_model"])
      if (entry.second.IsScalar()) {
        root["base_for_model"][entry.first.as<std::string>()] =
            config::read_yaml(config::json_to_yaml(spec.base_for_model.at(entry.first.as<std::string>())), spec.origin);
        changed = true;
      }
  }
  if (!changed) return yaml;
  YAML::Emitter out;
  out << root;
  return config::yaml_comment(spec.origin + ", with the training configs it names inlined (--resume reads this copy)") +
         out.c_str() + "\n";
}

}  // namespace genre::search
