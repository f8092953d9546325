#pragma once
// A SLURM job spec (jobs/*.yaml, the file `genre submit` takes): which of the
// stages preprocess -> search -> classify to run, with what, on what
// resources. One typed struct, parsed once and validated once; every error is
// a UsageError "<file>: <key>: <problem>". Keys:
//
//   name: genre-demo            # job names are <name>-<stage>
//   workdir: .                  # relative paths resolve against it (default:
//                               # where genre submit runs); jobs run there
//   genre: build/src/cli/genre  # the binary the jobs run (default: this one)
//   launcher: srun | mpirun     # srun --mpi=<mpi> (default), or Open MPI's
//                               # mpirun for clusters without PMIx
//   mpi: pmix                   # srun's --mpi plugin
//   modules: [openmpi/4.1]      # `module load`ed first, in order
//   env: {OMP_NUM_THREADS: 1}   # exported in every job
//   resources: {...}            # defaults for every stage (see Resources)
//   preprocess: {input | list, output, args: [...], resources: {...}}
//   search: {spec, data, out, args: [...], resources: {...},
//            requeue: {signal_seconds: 120, max_restarts: 20}}
//   classify: {model, inputs: [...], format: csv | json, output, args, resources}
//
// The stages present are submitted in that order, each after the previous one
// succeeded (--dependency=afterok).
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace genre::slurm {

enum class Stage { kPreprocess, kSearch, kClassify };
const char* stage_name(Stage s);

enum class Launcher { kSrun, kMpirun };

// What one job asks SLURM for (the #SBATCH header).
struct Resources {
  int nodes = 1;
  int ntasks_per_node = 1;  // worker ranks per node; defaults to gpus_per_node on GPU nodes
  int gpus_per_node = 0;    // > 0: one rank per GPU, each rank bound to its own GPU
  int cpus_per_task = 1;    // threads per rank (OMP_NUM_THREADS follows it unless env sets it)
  std::string mem;          // per node, e.g. 16G; empty: the partition's default
  std::string time = "01:00:00";
  long time_s = 3600;       // `time` in seconds
  std::string partition, account, qos, constraint;  // empty: not asked for
  std::filesystem::path output_dir = "slurm-logs";  // job logs <dir>/<job name>-<job id>.out
  bool exclusive = false;
};

struct PreprocessStage {
  Resources resources;
  std::filesystem::path input;  // audio folder (GTZAN layout), or
  std::filesystem::path list;   // a CSV path,label list
  std::filesystem::path output;
  std::vector<std::string> args;  // further `genre preprocess` options, passed as they are
};

struct SearchStage {
  Resources resources;
  std::filesystem::path spec;  // the sweep spec (genre search --spec)
  std::filesystem::path data;  // dataset.json; defaults to the preprocess stage's
  std::filesystem::path out;   // runs/<sweep>
  std::vector<std::string> args;
  int signal_seconds = 120;  // USR1 this long before the time limit: checkpoint, requeue
  int max_restarts = 20;     // self-requeues before the script gives up (resubmit goes on)
};

struct ClassifyStage {
  Resources resources;
  std::filesystem::path model;                // a trained model folder
  std::vector<std::filesystem::path> inputs;  // files or folders
  std::string format = "csv";
  std::filesystem::path output;  // empty: predictions go to the job log
  std::vector<std::string> args;
};

struct JobSpec {
  std::string origin;  // the file, for messages
  std::string name = "genre";
  std::filesystem::path workdir;  // absolute
  std::filesystem::path genre;    // absolute
  Launcher launcher = Launcher::kSrun;
  std::string mpi = "pmix";
  std::vector<std::string> modules;
  std::vector<std::pair<std::string, std::string>> env;
  std::optional<PreprocessStage> preprocess;
  std::optional<SearchStage> search;
  std::optional<ClassifyStage> classify;
};

// What a spec is read against: where relative paths start and the binary
// the jobs run when the spec names none.
struct SpecContext {
  std::filesystem::path cwd;
  std::filesystem::path self;  // the running genre executable
};

// Reads, parses and validates a spec. Relative paths come back absolute.
JobSpec load_job_spec(const std::filesystem::path& file, const SpecContext& context);
// The same from YAML text (origin names it in errors).
JobSpec parse_job_spec(const std::string& yaml, const std::string& origin, const SpecContext& context);

}  // namespace genre::slurm
