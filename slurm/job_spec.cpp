#include "slurm/job_spec.h"

#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/error.h"
#include "config/yaml_reader.h"
#include "slurm/fields.h"
#include "slurm/job_spec_keys.h"

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

template <class T>
void take(std::optional<T>& into, const std::optional<T>& from) {
  if (from) into = from;
}

// The stage's block (written under `key`) over the top-level one over the defaults.
Resources merge(const ResourcesBlock& top, const ResourcesBlock& stage, const fs::path& workdir, const std::string& key) {
  ResourcesBlock b = top;
  take(b.nodes, stage.nodes);
  take(b.ntasks_per_node, stage.ntasks_per_node);
  take(b.gpus_per_node, stage.gpus_per_node);
  take(b.cpus_per_task, stage.cpus_per_task);
  take(b.mem, stage.mem);
  take(b.time, stage.time);
  take(b.partition, stage.partition);
  take(b.account, stage.account);
  take(b.qos, stage.qos);
  take(b.constraint, stage.constraint);
  take(b.output, stage.output);
  take(b.exclusive, stage.exclusive);
  Resources r;
  r.nodes = static_cast<int>(b.nodes.value_or(r.nodes));
  r.gpus_per_node = static_cast<int>(b.gpus_per_node.value_or(0));
  // One rank per GPU on GPU nodes unless the spec says otherwise.
  r.ntasks_per_node = static_cast<int>(b.ntasks_per_node.value_or(r.gpus_per_node > 0 ? r.gpus_per_node : 1));
  r.cpus_per_task = static_cast<int>(b.cpus_per_task.value_or(r.cpus_per_task));
  r.mem = b.mem.value_or("");
  if (b.time) r.time = *b.time;
  r.time_s = parse_time_limit(stage.time || !top.time ? key + ".time" : "resources.time", r.time);
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

// name, workdir, genre, launcher, mpi, modules, env.
void read_top(const WrittenSpec& w, const SpecContext& ctx, JobSpec& s) {
  if (w.name) s.name = *w.name;
  s.workdir = w.workdir ? resolve(ctx.cwd, "workdir", *w.workdir) : ctx.cwd;
  require_exists("workdir", s.workdir, true);
  s.genre = w.genre ? resolve(s.workdir, "genre", *w.genre) : ctx.self;
  require_exists("genre", s.genre, false);
  if (::access(s.genre.c_str(), X_OK) != 0) throw UsageError("genre: " + s.genre.string() + " is not executable");
  if (w.launcher) s.launcher = *w.launcher == "mpirun" ? Launcher::kMpirun : Launcher::kSrun;
  if (w.mpi) s.mpi = *w.mpi;
  if (w.modules) s.modules = *w.modules;
  if (w.env) {
    for (const auto& [name, value] : *w.env)
      for (char c : value)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) throw UsageError("env." + name + ": contains a control character");
    s.env = *w.env;
  }
}

PreprocessStage read_preprocess(const WrittenSpec& w, const fs::path& workdir) {
  const auto& in = w.preprocess;
  PreprocessStage p;
  p.args = in.args.value_or(std::vector<std::string>{});
  if (in.input.has_value() == in.list.has_value())
    throw UsageError("preprocess: give exactly one of input (an audio folder) or list (a path,label CSV)");
  if (in.input) {
    p.input = resolve(workdir, "preprocess.input", *in.input);
    require_exists("preprocess.input", p.input, true);
  } else {
    p.list = resolve(workdir, "preprocess.list", *in.list);
    require_exists("preprocess.list", p.list, false);
  }
  if (!in.output) throw UsageError("preprocess.output: required (the folder for shards/ and dataset.json)");
  p.output = resolve(workdir, "preprocess.output", *in.output);
  p.resources = merge(w.resources, in.resources, workdir, "preprocess.resources");
  return p;
}

SearchStage read_search(const WrittenSpec& w, const JobSpec& s) {
  const auto& in = w.search;
  SearchStage q;
  q.args = in.args.value_or(std::vector<std::string>{});
  if (in.signal_seconds) q.signal_seconds = static_cast<int>(*in.signal_seconds);
  if (in.max_restarts) q.max_restarts = static_cast<int>(*in.max_restarts);
  if (!in.spec) throw UsageError("search.spec: required (the sweep spec, e.g. jobs/demo-sweep.yaml)");
  q.spec = resolve(s.workdir, "search.spec", *in.spec);
  require_exists("search.spec", q.spec, false);
  if (in.data) {
    q.data = resolve(s.workdir, "search.data", *in.data);
    if (!s.preprocess) require_exists("search.data", q.data, false);
  } else if (s.preprocess) {
    q.data = s.preprocess->output / "dataset.json";
  } else {
    throw UsageError("search.data: required (a dataset.json) when the spec has no preprocess stage");
  }
  if (!in.out) throw UsageError("search.out: required (the sweep's folder, e.g. runs/demo)");
  q.out = resolve(s.workdir, "search.out", *in.out);
  q.resources = merge(w.resources, in.resources, s.workdir, "search.resources");
  // Slurm checks its signal deadlines every 30 s or so and may signal up to
  // a minute early: a lead that close to the limit would requeue a sweep
  // before it did any work, forever.
  if (q.signal_seconds + 60 >= q.resources.time_s)
    throw UsageError("search.requeue.signal_seconds: " + std::to_string(q.signal_seconds) + " s ahead of a time limit of " +
                     q.resources.time + " leaves no time to work (Slurm may signal up to 60 s early): lower it or "
                     "raise the search's resources.time");
  return q;
}

ClassifyStage read_classify(const WrittenSpec& w, const JobSpec& s) {
  const auto& in = w.classify;
  ClassifyStage c;
  c.args = in.args.value_or(std::vector<std::string>{});
  if (!in.model) throw UsageError("classify.model: required (a trained model folder)");
  c.model = resolve(s.workdir, "classify.model", *in.model);
  if (!s.search) require_exists("classify.model", c.model, true);
  if (!in.inputs || in.inputs->empty()) throw UsageError("classify.inputs: required (audio files or folders)");
  for (std::size_t i = 0; i < in.inputs->size(); ++i) {
    const std::string key = "classify.inputs[" + std::to_string(i) + "]";
    c.inputs.push_back(resolve(s.workdir, key, (*in.inputs)[i]));
    if (!fs::exists(c.inputs.back())) throw UsageError(key + ": " + c.inputs.back().string() + " does not exist");
  }
  if (in.format) c.format = *in.format;
  if (in.output) c.output = resolve(s.workdir, "classify.output", *in.output);
  c.resources = merge(w.resources, in.resources, s.workdir, "classify.resources");
  return c;
}

JobSpec parse(const YAML::Node& root, const std::string& origin, const SpecContext& ctx) {
  if (!root.IsMap()) throw UsageError("the spec must be a YAML map of keys (name, resources, preprocess, search, classify)");
  WrittenSpec w;
  job_spec_keys().read(w, root, "");
  job_spec_keys().validate(w);
  JobSpec s;
  s.origin = origin;
  read_top(w, ctx, s);
  // A stage is there when its key is written, also alone (`search:` is a
  // stage with nothing in it, reported as such, not ignored).
  if (root["preprocess"]) s.preprocess = read_preprocess(w, s.workdir);
  if (root["search"]) s.search = read_search(w, s);
  if (root["classify"]) s.classify = read_classify(w, s);
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
