#include "slurm/job_spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

#include "common/error.h"
#include "config/yaml_reader.h"
#include "slurm/fields.h"

namespace genre::slurm {

namespace fs = std::filesystem;

const char* stage_name(Stage s) {
  switch (s) {
    case Stage::kPreprocess: return "preprocess";
    case Stage::kSearch: return "search";
    case Stage::kClassify: return "classify";
  }
  return "?";
}

namespace {

// Keys may be spelled with - or _ (sbatch says ntasks-per-node, YAML users
// often write ntasks_per_node); both mean the same key.
std::string normal_key(std::string k) {
  std::replace(k.begin(), k.end(), '_', '-');
  return k;
}

// Reads one YAML map: typed getters that name the key in errors, and a final
// check that no key was left unread (a typo is an error, not a silent default).
class MapReader {
 public:
  MapReader(YAML::Node node, std::string prefix) : node_(std::move(node)), prefix_(std::move(prefix)) {
    if (node_ && !node_.IsNull() && !node_.IsMap()) throw UsageError(where() + "must be a map of keys");
    refuse_two_spellings();
  }

  std::optional<std::string> text(const std::string& key) {
    YAML::Node v = find(key);
    if (!v) return std::nullopt;
    if (!v.IsScalar()) throw UsageError(path(key) + ": must be a single value");
    return v.Scalar();
  }

  std::optional<long> integer(const std::string& key, long lo, long hi) {
    const auto t = text(key);
    if (!t) return std::nullopt;
    static const std::regex digits("-?[0-9]{1,12}");
    if (!std::regex_match(*t, digits)) throw UsageError(path(key) + ": '" + *t + "' is not a whole number");
    const long v = std::stol(*t);
    if (v < lo || v > hi)
      throw UsageError(path(key) + ": " + *t + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return v;
  }

  std::optional<bool> boolean(const std::string& key) {
    const auto t = text(key);
    if (!t) return std::nullopt;
    if (*t == "true" || *t == "yes" || *t == "on") return true;
    if (*t == "false" || *t == "no" || *t == "off") return false;
    throw UsageError(path(key) + ": '" + *t + "' is not true or false");
  }

  std::optional<std::vector<std::string>> texts(const std::string& key) {
    YAML::Node v = find(key);
    if (!v) return std::nullopt;
    std::vector<std::string> out;
    if (v.IsScalar()) return std::vector<std::string>{v.Scalar()};
    if (!v.IsSequence()) throw UsageError(path(key) + ": must be a list of values");
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].IsScalar()) throw UsageError(path(key) + "[" + std::to_string(i) + "]: must be a single value");
      out.push_back(v[i].Scalar());
    }
    return out;
  }

  // Ordered key/value pairs of a map of scalars (env:).
  std::optional<std::vector<std::pair<std::string, std::string>>> pairs(const std::string& key) {
    YAML::Node v = find(key);
    if (!v) return std::nullopt;
    if (!v.IsMap()) throw UsageError(path(key) + ": must be a map NAME: value");
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& kv : v) {
      const std::string name = kv.first.Scalar();
      if (!kv.second.IsScalar()) throw UsageError(path(key) + "." + name + ": must be a single value");
      out.emplace_back(name, kv.second.Scalar());
    }
    return out;
  }

  // A nested map (absent: an empty reader).
  MapReader child(const std::string& key) { return MapReader(find(key), path(key)); }
  // Whether the key is written at all (also when empty: `search:` alone is a
  // stage with nothing in it, reported as such, not ignored).
  bool has(const std::string& key) const {
    if (!node_ || !node_.IsMap()) return false;
    for (const auto& kv : node_)
      if (normal_key(kv.first.Scalar()) == normal_key(key)) return true;
    return false;
  }

  // Every key must have been read.
  void finish() const {
    if (!node_ || !node_.IsMap()) return;
    for (const auto& kv : node_) {
      const std::string k = kv.first.Scalar();
      if (!read_.count(normal_key(k))) {
        std::string known;
        for (const auto& r : asked_) known += (known.empty() ? "" : ", ") + r;
        throw UsageError(path(k) + ": unknown key (known here: " + known + ")");
      }
    }
  }

  std::string path(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

 private:
  std::string where() const { return prefix_.empty() ? "" : prefix_ + ": "; }

  // read_yaml refused a key written twice; ntasks-per-node beside
  // ntasks_per_node is the same key twice too, and find() would take the first.
  void refuse_two_spellings() const {
    if (!node_ || !node_.IsMap()) return;
    std::map<std::string, YAML::Node> seen;
    for (const auto& kv : node_) {
      const auto [first, fresh] = seen.emplace(normal_key(kv.first.Scalar()), kv.first);
      if (!fresh)
        throw UsageError(config::line_of(kv.first.Mark()) + path(kv.first.Scalar()) + ": is given twice (first as " +
                         first->second.Scalar() + (first->second.Mark().is_null() ? "" : " at line " + std::to_string(first->second.Mark().line + 1)) +
                         "; - and _ spell the same key)");
    }
  }

  YAML::Node find(const std::string& key) {
    read_.insert(normal_key(key));
    if (std::find(asked_.begin(), asked_.end(), key) == asked_.end()) asked_.push_back(key);
    if (!node_ || !node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    for (const auto& kv : node_)
      if (normal_key(kv.first.Scalar()) == normal_key(key)) {
        if (kv.second.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
        return kv.second;
      }
    return YAML::Node(YAML::NodeType::Undefined);
  }

  YAML::Node node_;
  std::string prefix_;
  std::set<std::string> read_;
  std::vector<std::string> asked_;
};

// One resources: block as written (every field optional), checked where it
// was written so that errors name that block's keys.
struct ResourcesBlock {
  std::optional<long> nodes, ntasks_per_node, gpus_per_node, cpus_per_task;
  std::optional<std::string> mem, time, partition, account, qos, constraint, output;
  std::optional<bool> exclusive;
  std::string time_key;  // where `time` was written, for the requeue check's message
};

ResourcesBlock read_resources(MapReader r) {
  ResourcesBlock b;
  b.nodes = r.integer("nodes", 1, 100000);
  b.ntasks_per_node = r.integer("ntasks-per-node", 1, 4096);
  b.gpus_per_node = r.integer("gpus-per-node", 0, 64);
  b.cpus_per_task = r.integer("cpus-per-task", 1, 4096);
  b.mem = r.text("mem");
  b.time = r.text("time");
  b.partition = r.text("partition");
  b.account = r.text("account");
  b.qos = r.text("qos");
  b.constraint = r.text("constraint");
  b.output = r.text("output");
  b.exclusive = r.boolean("exclusive");
  r.finish();
  if (b.mem) check_memory(r.path("mem"), *b.mem);
  if (b.time) {
    parse_time_limit(r.path("time"), *b.time);
    b.time_key = r.path("time");
  }
  if (b.partition) check_slurm_name(r.path("partition"), *b.partition, /*list=*/true);
  if (b.account) check_slurm_name(r.path("account"), *b.account);
  if (b.qos) check_slurm_name(r.path("qos"), *b.qos);
  if (b.constraint) check_constraint(r.path("constraint"), *b.constraint);
  if (b.output) check_header_path(r.path("output"), *b.output);
  return b;
}

template <class T>
void take(std::optional<T>& into, const std::optional<T>& from) {
  if (from) into = from;
}

// The stage's block over the top-level one over the defaults.
Resources merge(const ResourcesBlock& top, const ResourcesBlock& stage, const fs::path& workdir, const std::string& key) {
  ResourcesBlock b = top;
  take(b.nodes, stage.nodes);
  take(b.ntasks_per_node, stage.ntasks_per_node);
  take(b.gpus_per_node, stage.gpus_per_node);
  take(b.cpus_per_task, stage.cpus_per_task);
  take(b.mem, stage.mem);
  take(b.partition, stage.partition);
  take(b.account, stage.account);
  take(b.qos, stage.qos);
  take(b.constraint, stage.constraint);
  take(b.output, stage.output);
  take(b.exclusive, stage.exclusive);
  if (stage.time) {
    b.time = stage.time;
    b.time_key = stage.time_key;
  }
  Resources r;
  r.nodes = static_cast<int>(b.nodes.value_or(r.nodes));
  r.gpus_per_node = static_cast<int>(b.gpus_per_node.value_or(0));
  // One rank per GPU on GPU nodes unless the spec says otherwise.
  r.ntasks_per_node = static_cast<int>(b.ntasks_per_node.value_or(r.gpus_per_node > 0 ? r.gpus_per_node : 1));
  r.cpus_per_task = static_cast<int>(b.cpus_per_task.value_or(r.cpus_per_task));
  r.mem = b.mem.value_or("");
  if (b.time) r.time = *b.time;
  r.time_s = parse_time_limit(b.time_key.empty() ? key + ".time" : b.time_key, r.time);
  r.partition = b.partition.value_or("");
  r.account = b.account.value_or("");
  r.qos = b.qos.value_or("");
  r.constraint = b.constraint.value_or("");
  r.exclusive = b.exclusive.value_or(false);
  r.output_dir = (workdir / b.output.value_or(r.output_dir.string())).lexically_normal();
  try {
    check_header_path(key + ".output", r.output_dir.string());
  } catch (const UsageError&) {
    // The relative value passed; the working folder it joins does not.
    throw UsageError("workdir: " + workdir.string() + " cannot go into an unquoted #SBATCH --output line (no spaces, " +
                     "quotes or %): give resources.output as an absolute folder, or run from another folder");
  }
  return r;
}

fs::path resolve(const fs::path& base, const std::string& key, const std::string& value) {
  check_plain_text(key, value);
  return (base / value).lexically_normal();
}

void require_exists(const std::string& key, const fs::path& p, bool directory) {
  std::error_code ec;
  const auto st = fs::status(p, ec);
  if (!fs::exists(st)) throw UsageError(key + ": " + p.string() + " does not exist");
  if (directory && !fs::is_directory(st)) throw UsageError(key + ": " + p.string() + " is not a folder");
  if (!directory && fs::is_directory(st)) throw UsageError(key + ": " + p.string() + " is a folder, not a file");
}

std::vector<std::string> read_args(MapReader& r) {
  std::vector<std::string> args = r.texts("args").value_or(std::vector<std::string>{});
  for (std::size_t i = 0; i < args.size(); ++i) check_plain_text(r.path("args") + "[" + std::to_string(i) + "]", args[i]);
  return args;
}

JobSpec parse(const YAML::Node& root, const std::string& origin, const SpecContext& ctx) {
  if (!root.IsMap()) throw UsageError("the spec must be a YAML map of keys (name, resources, preprocess, search, classify)");
  MapReader top(root, "");
  JobSpec s;
  s.origin = origin;

  if (auto v = top.text("name")) {
    check_slurm_name("name", *v);
    if (v->size() > 64) throw UsageError("name: longer than 64 characters");
    s.name = *v;
  }
  s.workdir = ctx.cwd;
  if (auto v = top.text("workdir")) s.workdir = resolve(ctx.cwd, "workdir", *v);
  require_exists("workdir", s.workdir, true);
  s.genre = ctx.self;
  if (auto v = top.text("genre")) s.genre = resolve(s.workdir, "genre", *v);
  require_exists("genre", s.genre, false);
  if (::access(s.genre.c_str(), X_OK) != 0) throw UsageError("genre: " + s.genre.string() + " is not executable");
  if (auto v = top.text("launcher")) {
    if (*v == "srun") s.launcher = Launcher::kSrun;
    else if (*v == "mpirun") s.launcher = Launcher::kMpirun;
    else throw UsageError("launcher: '" + *v + "' is not srun or mpirun");
  }
  if (auto v = top.text("mpi")) {
    static const std::regex plugin("[a-z0-9_]{1,32}");
    if (!std::regex_match(*v, plugin)) throw UsageError("mpi: '" + *v + "' is not an srun --mpi plugin name (pmix, pmi2, ...)");
    s.mpi = *v;
  }
  if (auto v = top.texts("modules")) {
    for (std::size_t i = 0; i < v->size(); ++i) check_module_name("modules[" + std::to_string(i) + "]", (*v)[i]);
    s.modules = *v;
  }
  if (auto v = top.pairs("env")) {
    for (const auto& [name, value] : *v) {
      check_env_name("env." + name, name);
      for (char c : value)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
          throw UsageError("env." + name + ": contains a control character");
    }
    s.env = *v;
  }
  const ResourcesBlock defaults = read_resources(top.child("resources"));

  if (top.has("preprocess")) {
    MapReader r = top.child("preprocess");
    PreprocessStage p;
    const ResourcesBlock own = read_resources(r.child("resources"));
    const auto input = r.text("input"), list = r.text("list"), output = r.text("output");
    p.args = read_args(r);
    r.finish();
    if (input.has_value() == list.has_value())
      throw UsageError("preprocess: give exactly one of input (an audio folder) or list (a path,label CSV)");
    if (input) {
      p.input = resolve(s.workdir, "preprocess.input", *input);
      require_exists("preprocess.input", p.input, true);
    } else {
      p.list = resolve(s.workdir, "preprocess.list", *list);
      require_exists("preprocess.list", p.list, false);
    }
    if (!output) throw UsageError("preprocess.output: required (the folder for shards/ and dataset.json)");
    p.output = resolve(s.workdir, "preprocess.output", *output);
    p.resources = merge(defaults, own, s.workdir, "preprocess.resources");
    s.preprocess = p;
  }

  if (top.has("search")) {
    MapReader r = top.child("search");
    SearchStage q;
    const ResourcesBlock own = read_resources(r.child("resources"));
    const auto spec = r.text("spec"), data = r.text("data"), out = r.text("out");
    q.args = read_args(r);
    MapReader requeue = r.child("requeue");
    if (auto v = requeue.integer("signal_seconds", 10, 86400)) q.signal_seconds = static_cast<int>(*v);
    if (auto v = requeue.integer("max_restarts", 0, 10000)) q.max_restarts = static_cast<int>(*v);
    requeue.finish();
    r.finish();
    if (!spec) throw UsageError("search.spec: required (the sweep spec, e.g. jobs/demo-sweep.yaml)");
    q.spec = resolve(s.workdir, "search.spec", *spec);
    require_exists("search.spec", q.spec, false);
    if (data) {
      q.data = resolve(s.workdir, "search.data", *data);
      if (!s.preprocess) require_exists("search.data", q.data, false);
    } else if (s.preprocess) {
      q.data = s.preprocess->output / "dataset.json";
    } else {
      throw UsageError("search.data: required (a dataset.json) when the spec has no preprocess stage");
    }
    if (!out) throw UsageError("search.out: required (the sweep's folder, e.g. runs/demo)");
    q.out = resolve(s.workdir, "search.out", *out);
    q.resources = merge(defaults, own, s.workdir, "search.resources");
    // Slurm checks its signal deadlines every 30 s or so and may signal up to
    // a minute early: a lead that close to the limit would requeue a sweep
    // before it did any work, forever.
    if (q.signal_seconds + 60 >= q.resources.time_s)
      throw UsageError("search.requeue.signal_seconds: " + std::to_string(q.signal_seconds) + " s ahead of a time limit of " +
                       q.resources.time + " leaves no time to work (Slurm may signal up to 60 s early): lower it or "
                       "raise the search's resources.time");
    s.search = q;
  }

  if (top.has("classify")) {
    MapReader r = top.child("classify");
    ClassifyStage c;
    const ResourcesBlock own = read_resources(r.child("resources"));
    const auto model = r.text("model"), format = r.text("format"), output = r.text("output");
    const auto inputs = r.texts("inputs");
    c.args = read_args(r);
    r.finish();
    if (!model) throw UsageError("classify.model: required (a trained model folder)");
    c.model = resolve(s.workdir, "classify.model", *model);
    if (!s.search) require_exists("classify.model", c.model, true);
    if (!inputs || inputs->empty()) throw UsageError("classify.inputs: required (audio files or folders)");
    for (std::size_t i = 0; i < inputs->size(); ++i) {
      const std::string key = "classify.inputs[" + std::to_string(i) + "]";
      c.inputs.push_back(resolve(s.workdir, key, (*inputs)[i]));
      if (!fs::exists(c.inputs.back())) throw UsageError(key + ": " + c.inputs.back().string() + " does not exist");
    }
    if (format) {
      if (*format != "csv" && *format != "json") throw UsageError("classify.format: '" + *format + "' is not csv or json");
      c.format = *format;
    }
    if (output) c.output = resolve(s.workdir, "classify.output", *output);
    c.resources = merge(defaults, own, s.workdir, "classify.resources");
    s.classify = c;
  }
  top.finish();
  if (!s.preprocess && !s.search && !s.classify)
    throw UsageError("the spec has none of the stages preprocess, search, classify: nothing to submit");
  return s;
}

}  // namespace

JobSpec parse_job_spec(const std::string& yaml, const std::string& origin, const SpecContext& context) {
  const YAML::Node root = config::read_yaml(yaml, origin);
  try {
    return parse(root, origin, context);
  } catch (const UsageError& e) {
    throw UsageError(origin + ": " + e.what());
  } catch (const YAML::Exception& e) {
    throw UsageError(origin + ": " + e.what());
  }
}

JobSpec load_job_spec(const fs::path& file, const SpecContext& context) {
  std::ifstream in(file);
  if (!in) throw UsageError(file.string() + ": cannot read the job spec");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_job_spec(text.str(), file.string(), context);
}

}  // namespace genre::slurm
