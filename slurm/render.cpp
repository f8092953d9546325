#include "slurm/render.h"

#include <algorithm>
#include <regex>
#include <sstream>

#include "common/error.h"
#include "slurm/fields.h"
#include "slurm/templates.h"

namespace genre::slurm {

namespace {

std::string q(const std::filesystem::path& p) { return shell_quote(p.string()); }

std::string quoted_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + shell_quote(w);
  return out;
}

// The #SBATCH lines. Every value here passed a whitelist in job_spec.cpp:
// sbatch reads these lines itself, unquoted.
std::string header(const Resources& r, const std::string& job_name, Stage stage, int signal_seconds) {
  std::ostringstream h;
  auto line = [&](const std::string& option) { h << "#SBATCH " << option << "\n"; };
  line("--job-name=" + job_name);
  line("--nodes=" + std::to_string(r.nodes));
  line("--ntasks-per-node=" + std::to_string(r.ntasks_per_node));
  line("--cpus-per-task=" + std::to_string(r.cpus_per_task));
  if (r.gpus_per_node > 0) line("--gpus-per-node=" + std::to_string(r.gpus_per_node));
  if (!r.mem.empty()) line("--mem=" + r.mem);
  line("--time=" + r.time);
  if (!r.partition.empty()) line("--partition=" + r.partition);
  if (!r.account.empty()) line("--account=" + r.account);
  if (!r.qos.empty()) line("--qos=" + r.qos);
  if (!r.constraint.empty()) line("--constraint=" + r.constraint);
  if (r.exclusive) line("--exclusive");
  line("--output=" + (r.output_dir / "%x-%j.out").string());
  // A requeued job writes on in the same log instead of truncating it.
  line("--open-mode=append");
  if (stage != Stage::kClassify) line("--requeue");
  if (stage == Stage::kSearch) line("--signal=B:USR1@" + std::to_string(signal_seconds));
  std::string text = h.str();
  text.pop_back();
  return text;
}

// Shell set-up shared by the stages: working folder, modules, environment,
// and the functions that start ranks (`launch`, `launch_sweep`, `stop_ranks`).
std::string setup(const JobSpec& spec, const Resources& r, Stage stage) {
  std::ostringstream s;
  s << "cd " << q(spec.workdir) << " || { echo \"genre-slurm: cannot enter the working folder\" >&2; exit 1; }\n";
  s << "genre=" << q(spec.genre) << "\n";
  if (!spec.modules.empty()) {
    s << "\n# modules (spec: modules)\n";
    s << "if ! command -v module >/dev/null 2>&1; then echo \"genre-slurm: the spec loads modules but this node has no "
         "'module' command\" >&2; exit 1; fi\n";
    for (const auto& m : spec.modules) s << "module load " << shell_quote(m) << " || exit 1\n";
  }
  s << "\n# environment (spec: env)\n";
  bool omp_set = false;
  for (const auto& [name, value] : spec.env) omp_set = omp_set || name == "OMP_NUM_THREADS";
  if (!omp_set) s << "export OMP_NUM_THREADS=" << r.cpus_per_task << "  # one thread per CPU of the rank\n";
  for (const auto& [name, value] : spec.env) s << "export " << name << "=" << shell_quote(value) << "\n";

  s << "\n";
  if (r.gpus_per_node > 0) {
    s << "# One GPU per rank: each rank keeps only the GPU at its node-local index\n"
         "# (on the first node of a sweep, the coordinator shares GPU 0 with the\n"
         "# last worker there and never touches it).\n"
         "bind_gpu=(bash -c 'l=${OMPI_COMM_WORLD_LOCAL_RANK:-${SLURM_LOCALID:-0}}; IFS=, read -ra g <<< "
         "\"${CUDA_VISIBLE_DEVICES:-}\"; if ((${#g[@]})); then export CUDA_VISIBLE_DEVICES=${g[l % ${#g[@]}]}; fi; "
         "exec \"$@\"' genre-rank)\n";
  } else {
    s << "bind_gpu=()  # CPU nodes: nothing to bind\n";
  }
  if (spec.launcher == Launcher::kSrun) {
    const std::string mpi = shell_quote(spec.mpi);
    s << "# Ranks start through srun --mpi=" << spec.mpi << " (spec: launcher, mpi).\n";
    s << "launch() { srun --mpi=" << mpi << " \"${bind_gpu[@]}\" \"$@\"; }\n";
    if (stage == Stage::kSearch) {
      s << "# The sweep's coordinator is one more rank (it trains nothing), placed first\n"
           "# on the first node; the workers fill ntasks-per-node slots on every node.\n"
           "launch_sweep() {\n"
           "  local hosts=\"${TMPDIR:-/tmp}/genre-hosts.${SLURM_JOB_ID}.$$\" node i\n"
           "  {\n"
           "    scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1\n"
           "    for node in $(scontrol show hostnames \"$SLURM_JOB_NODELIST\"); do\n"
           "      for ((i = 0; i < "
        << r.ntasks_per_node
        << "; i++)); do echo \"$node\"; done\n"
           "    done\n"
           "  } >\"$hosts\"\n"
           "  unset SLURM_NTASKS_PER_NODE  # the step has its own layout\n"
           "  SLURM_HOSTFILE=$hosts exec srun --mpi="
        << mpi
        << " --overcommit --ntasks=$((SLURM_NTASKS + 1)) --distribution=arbitrary \\\n"
           "    \"${bind_gpu[@]}\" \"$@\"\n"
           "}\n"
           "# SIGTERM to every rank of every step (the batch script itself is spared).\n"
           "stop_ranks() { scancel --signal=TERM \"$SLURM_JOB_ID\"; }\n";
    }
  } else {
    s << "# Ranks start through Open MPI's mpirun, which reads the allocation from\n"
         "# Slurm (spec: launcher: mpirun). On SIGTERM mpirun sends its ranks CONT,\n"
         "# waits, TERM, waits, KILL: the wait (s) is their time to checkpoint.\n"
         "export OMPI_MCA_odls_base_sigkill_timeout=${OMPI_MCA_odls_base_sigkill_timeout:-10}\n"
         "launch() { mpirun -n \"$SLURM_NTASKS\" --bind-to none \"${bind_gpu[@]}\" \"$@\"; }\n";
    if (stage == Stage::kSearch) {
      s << "# The sweep's coordinator is one more rank (it trains nothing).\n"
           "launch_sweep() { exec mpirun -n $((SLURM_NTASKS + 1)) --oversubscribe --bind-to none \"${bind_gpu[@]}\" \"$@\"; }\n"
           "# SIGTERM straight to the ranks: to mpirun's children here, and through\n"
           "# Slurm to the ranks of the other nodes (mpirun's own SIGTERM handling\n"
           "# would wait before passing it on).\n"
           "stop_ranks() {\n"
           "  pkill -TERM -P \"$child\" 2>/dev/null\n"
           "  scancel --signal=TERM \"$SLURM_JOB_ID\" 2>/dev/null\n"
           "  true\n"
           "}\n";
    }
  }
  std::string text = s.str();
  text.pop_back();
  return text;
}

BatchScript make(const JobSpec& spec, Stage stage, const Resources& r, int signal_seconds,
                 std::vector<std::pair<std::string, std::string>> values) {
  BatchScript b;
  b.stage = stage;
  b.job_name = spec.name + "-" + stage_name(stage);
  b.file = r.output_dir / (b.job_name + ".sbatch");
  b.log = r.output_dir / (b.job_name + "-%j.out");
  values.emplace_back("HEADER", header(r, b.job_name, stage, signal_seconds));
  values.emplace_back("SETUP", setup(spec, r, stage));
  // Only ever a comment; quoted so a strange file name stays inert.
  std::string origin = spec.origin;
  for (char& c : origin)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  values.emplace_back("SPEC_FILE", origin);
  b.text = fill_template(template_text(stage), values);
  return b;
}

}  // namespace

std::string fill_template(std::string_view text, const std::vector<std::pair<std::string, std::string>>& values) {
  // One pass over the template: values are inserted as they are and never
  // rescanned, so a value that happens to contain @X@ stays literal.
  static const std::regex placeholder("@([A-Z_]+)@");
  const std::string tmpl(text);
  std::vector<bool> used(values.size(), false);
  std::string out;
  std::size_t from = 0;
  for (std::sregex_iterator it(tmpl.begin(), tmpl.end(), placeholder), end; it != end; ++it) {
    const std::string name = (*it)[1].str();
    std::size_t i = 0;
    while (i < values.size() && values[i].first != name) ++i;
    if (i == values.size()) throw Error("sbatch template placeholder @" + name + "@ has no value");
    used[i] = true;
    out.append(tmpl, from, static_cast<std::size_t>(it->position()) - from).append(values[i].second);
    from = static_cast<std::size_t>(it->position() + it->length());
  }
  out.append(tmpl, from, std::string::npos);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!used[i]) throw Error("sbatch template has no placeholder @" + values[i].first + "@");
  return out;
}

std::vector<BatchScript> render_jobs(const JobSpec& spec) {
  std::vector<BatchScript> jobs;
  if (spec.preprocess) {
    const auto& p = *spec.preprocess;
    std::string line = p.input.empty() ? "--list " + q(p.list) : "--input " + q(p.input);
    line += " --output " + q(p.output);
    if (!p.args.empty()) line += " " + quoted_words(p.args);
    jobs.push_back(make(spec, Stage::kPreprocess, p.resources, 0, {{"ARGS", line}}));
  }
  if (spec.search) {
    const auto& s = *spec.search;
    jobs.push_back(make(spec, Stage::kSearch, s.resources, s.signal_seconds,
                        {{"OUT", q(s.out)},
                         {"MAX_RESTARTS", std::to_string(s.max_restarts)},
                         {"SIGNAL_SECONDS", std::to_string(s.signal_seconds)},
                         {"SWEEP_SPEC", q(s.spec)},
                         {"DATA", q(s.data)},
                         {"ARGS", s.args.empty() ? "" : " " + quoted_words(s.args)}}));
  }
  if (spec.classify) {
    const auto& c = *spec.classify;
    std::string line = "--model " + q(c.model) + " --format " + shell_quote(c.format);
    // classify writes --output itself, whole or not at all (a failed run
    // leaves an earlier file as it was); without it results go to the log.
    if (!c.output.empty()) line += " --output " + q(c.output);
    // GPU nodes: the GPU, unless the spec's args say otherwise.
    const bool device_given = std::any_of(c.args.begin(), c.args.end(), [](const std::string& a) {
      return a == "--device" || a.rfind("--device=", 0) == 0;
    });
    if (c.resources.gpus_per_node > 0 && !device_given) line += " --device cuda";
    if (!c.args.empty()) line += " " + quoted_words(c.args);
    for (const auto& in : c.inputs) line += " " + q(in);
    jobs.push_back(make(spec, Stage::kClassify, c.resources, 0, {{"ARGS", line}}));
  }
  return jobs;
}

}  // namespace genre::slurm
