// `genre submit SPEC [--dry-run]`: a job spec -> batch scripts -> sbatch,
// chained preprocess -> search -> classify with afterok dependencies.
#include <iostream>

#include "app/executable.h"
#include "app/options.h"
#include "common/error.h"
#include "common/file_io.h"
#include "slurm/commands.h"
#include "slurm/job_spec.h"
#include "slurm/render.h"
#include "slurm/sbatch.h"

namespace genre::slurm {

namespace fs = std::filesystem;

namespace {

struct SubmitOptions {
  fs::path spec;
  bool dry_run = false;
  bool parsable = false;
};

void write_script(const BatchScript& job) {
  try {
    fs::create_directories(job.file.parent_path());
    write_durably(job.file, job.text);
  } catch (...) {
    rethrow_with_context("writing " + job.file.string());
  }
}

std::string log_of(const BatchScript& job, const std::string& id) {
  std::string log = job.log.string();
  const auto at = log.rfind("%j");
  if (at != std::string::npos) log.replace(at, 2, id);
  return log;
}

int submit(const SubmitOptions& o) {
  SpecContext ctx;
  ctx.cwd = fs::current_path();
  ctx.self = app::this_executable();
  const JobSpec spec = load_job_spec(o.spec, ctx);
  const std::vector<BatchScript> jobs = render_jobs(spec);

  if (o.dry_run) {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      std::cout << "# ==== " << jobs[i].job_name << ": sbatch --parsable ";
      if (i > 0)
        std::cout << "--dependency=afterok:<job id of " << jobs[i - 1].job_name << "> --kill-on-invalid-dep=yes ";
      std::cout << jobs[i].file.string() << "\n" << jobs[i].text;
      if (!jobs[i].text.empty() && jobs[i].text.back() != '\n') std::cout << "\n";
    }
    return 0;
  }

  std::vector<std::pair<std::string, std::string>> submitted;  // job name, id
  for (const auto& job : jobs) {
    write_script(job);
    const std::optional<std::string> after =
        submitted.empty() ? std::nullopt : std::optional<std::string>(submitted.back().second);
    std::string id;
    try {
      id = sbatch(job.file, after);
    } catch (const std::exception& e) {
      // A chain cut short would leave its first jobs running for nothing.
      std::string undone;
      for (const auto& [name, earlier] : submitted) {
        std::string why;
        undone += scancel(earlier, &why) ? "; cancelled job " + earlier + " (" + name + ") submitted before it"
                                         : "; job " + earlier + " (" + name + ") was submitted and could not be cancelled: " + why;
      }
      throw Error(job.job_name + " not submitted (" + job.file.string() + "): " + describe(e) + undone);
    }
    submitted.emplace_back(job.job_name, id);
    if (o.parsable) {
      std::cout << id << std::endl;
    } else {
      std::cout << "submitted " << job.job_name << ": job " << id;
      if (after) std::cout << " (runs after job " << *after << " succeeds)";
      std::cout << ", log " << log_of(job, id) << std::endl;
    }
  }
  return 0;
}

}  // namespace

int submit_main(int argc, char** argv) {
  return app::guarded("submit", [&] {
    namespace po = app::po;
    SubmitOptions o;
    std::string spec;
    po::options_description opts("options");
    opts.add_options()
        ("spec", po::value(&spec), "the job spec (YAML); also the first positional argument")
        ("dry-run", po::bool_switch(&o.dry_run), "print the batch scripts instead of submitting them")
        ("parsable", po::bool_switch(&o.parsable), "print only the job ids, one a line, in submission order");
    po::positional_options_description positional;
    positional.add("spec", 1);
    const auto vm = app::parse(
        {"submit", "genre submit SPEC.yaml [--dry-run] [--parsable]",
         "Renders a job spec into sbatch scripts (preprocess, search, classify: the stages the spec has) and submits "
         "them with sbatch, each stage after the previous one succeeded. Resources come from the spec's resources: "
         "blocks; sweeps are requeued by themselves when their time runs out and resume from their journal. The "
         "scripts are kept beside the job logs. See docs/slurm.md."},
        opts, argc, argv, &positional);
    if (!vm) return 0;
    if (spec.empty()) throw UsageError("no job spec given (see 'genre submit --help')");
    o.spec = spec;
    return submit(o);
  });
}

}  // namespace genre::slurm
