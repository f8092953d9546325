// `genre train`: options -> TrainConfig -> (DataParallel)Trainer, under
// mpiexec, srun or alone. Exit 0 when done, 143 when SIGTERM interrupted it
// (state saved; --resume continues), 75 when a peer fell silent (state.pt of
// the last finished epoch kept; --resume continues), 2 for bad arguments, 1
// for other errors.
#include <iostream>

#include "app/locked_output.h"
#include "app/mpi_command.h"
#include "app/options.h"
#include "common/error.h"
#include "common/log.h"
#include "common/stop_signal.h"
#include "dist/communicator.h"
#include "dist/mpi.h"
#include "train/commands.h"
#include "train/data_parallel.h"
#include "train/source_factory.h"
#include "train/threads.h"
#include "train/trainer.h"

namespace genre::train {

namespace {

namespace fs = std::filesystem;

struct TrainArgs {
  fs::path data, config, out;
  std::vector<std::string> sets;
  bool resume = false, quiet = false;
};

std::string keys_help() {
  return "config keys (--set KEY=VALUE, or nested in the YAML file):\n" + config_help();
}

std::optional<TrainArgs> parse_args(int argc, char** argv) {
  namespace po = app::po;
  TrainArgs a;
  std::string data, config, out;
  po::options_description opts("options");
  opts.add_options()
      ("data", po::value(&data), "dataset.json (or its folder) made by genre preprocess")
      ("config", po::value(&config), "training config in YAML (e.g. jobs/seed-cnn.yaml); defaults when absent")
      ("set", po::value(&a.sets)->composing(), "KEY=VALUE override of one config key, repeatable (e.g. --set optim.lr=1e-4)")
      ("out", po::value(&out), "run folder: config.yaml, model.json, checkpoint.pt, metrics.jsonl, final.json, confusion.csv")
      ("resume", po::bool_switch(&a.resume), "continue the run in --out from its state.pt (after SIGTERM or a crash)")
      ("quiet", po::bool_switch(&a.quiet), "print warnings and errors only");
  const auto vm = app::parse(
      {"train", "genre train --data dataset.json --config jobs/x.yaml [--set key=value ...] --out DIR [--resume]",
       "Trains one model (mlp, cnn, resnet) on a preprocessed dataset and writes a run folder. Under mpiexec/srun "
       "every rank holds a replica and takes its share of each batch (data parallel: MPI on CPUs, NCCL on GPUs). "
       "SIGTERM saves the state and exits 143; --resume continues.\n\n" + keys_help()},
      opts, argc, argv);
  if (!vm) return std::nullopt;
  if (data.empty()) throw UsageError("--data is required (see 'genre train --help')");
  if (out.empty()) throw UsageError("--out is required (see 'genre train --help')");
  a.data = data;
  a.config = config;
  a.out = out;
  if (a.data.extension() == ".csv")
    throw UsageError("--data " + data + ": a feature CSV becomes a dataset first: genre preprocess --from-csv " + data +
                     " --output DIR, then --data DIR");
  return a;
}

// A collective gave up on a silent peer: the communicator is unusable, and
// MPI_Finalize would wait for that peer for ever, so this rank ends the whole
// job, with 75 (EX_TEMPFAIL: a requeued or rerun job resumes from state.pt) or
// 143 when SIGTERM had come (the job was being stopped anyway).
// Every rank that gives up says so, with its rank: the one a silent rank 0
// leaves waiting is not rank 0.
[[noreturn]] void give_up_on_peers(const dist::PeerTimeout& e, int rank, const fs::path& out) {
  const fs::path state = out / "state.pt";
  std::cerr << "genre train: error: rank " << rank << ": " << describe(e) << "; "
            << (fs::exists(state) ? state.string() + " (the last finished epoch) is kept: continue with --resume"
                                  : std::string("no epoch finished, nothing to resume"))
            << std::endl;
  dist::Environment::abort(e.interrupted() ? kInterruptedExitCode : dist::kPeerTimeoutExitCode);
}

}  // namespace

int train_main(int argc, char** argv) {
  return app::run_mpi_command("train", argc, argv, [&](app::MpiCommand& command) -> int {
    const dist::Comm& world = command.world();
    const bool root = command.root();
    const std::optional<TrainArgs> args = parse_args(argc, argv);
    if (!args) return 0;
    const TrainConfig config = load_config(args->config, args->sets);
    log::setup(world.rank(), args->quiet);
    // One run writes a run folder at a time (rank 0 holds it to the end);
    // what is in it is looked at under the lock.
    const auto lock = app::lock_output(world, args->out, command_line(argc, argv));
    if (!args->resume && fs::exists(args->out / "state.pt"))
      throw UsageError("--out " + args->out.string() +
                       " already holds a run (state.pt): add --resume to continue it, or pick another folder");
    command.ranks_diverge();
    const dist::LocalRank node = dist::local_rank(world);
    set_compute_threads(config.train.threads > 0 ? config.train.threads : cores_per_rank(node.size));
    const torch::Device device = dist::pick_device(config.train.device, world, node);

    const data::Dataset dataset = [&] {
      try {
        return data::Dataset::open(args->data);
      } catch (const std::exception&) {
        rethrow_with_context("--data " + args->data.string());
      }
    }();
    const InputKind input =
        resolve_input(config.data.input, config.model.name, !dataset.manifest().params.table_columns.empty());
    const OpenedData opened = open_data(dataset, input, config.data);
    const DataSource& data = *opened.source;
    const DataInfo& info = data.info();
    if (root)
      spdlog::info("train: {} on {} ({} train / {} val / {} test samples of {}, {} classes), {} rank(s) on {}; "
                   "data {} MiB {} (data.memory_budget_mb {})",
                   config.model.name, args->data.string(), info.train.samples, info.val.samples, info.test.samples,
                   to_string(input), info.classes.size(), world.size(), device.str(), opened.bytes >> 20,
                   opened.streamed ? "streamed from the shards" : "held in memory", config.data.memory_budget_mb);

    install_stop_signal();
    TrainerOptions options;
    options.out = args->out;
    options.resume = args->resume;
    options.device = device;
    options.log_epochs = !args->quiet;
    options.hooks.interrupt_requested = stop_requested;

    std::unique_ptr<dist::Communicator> comm;
    std::unique_ptr<Trainer> trainer;
    if (world.size() > 1) {
      comm = dist::make_communicator(world, device, dist::PeerWait(config.train.peer_timeout_s));
      trainer = std::make_unique<DataParallelTrainer>(config, data, options, *comm);
    } else {
      trainer = std::make_unique<Trainer>(config, data, options);
    }
    const TrainResult r = [&] {
      try {
        return trainer->run();
      } catch (const dist::PeerTimeout& e) {
        give_up_on_peers(e, world.rank(), args->out);
      }
    }();
    if (opened.held)
      spdlog::info("streamed: this rank read {} MiB of features from the shards (the standardisation's pass included), "
                   "held at most {} MiB", opened.held->read() >> 20, opened.held->peak() >> 20);
    if (r.outcome == Outcome::Interrupted) {
      if (root)
        std::cout << "train: interrupted after " << r.epochs_run << " complete epoch(s); state saved in "
                  << (args->out / "state.pt").string() << " (continue with --resume)\n";
      return kInterruptedExitCode;
    }
    if (root) {
      std::cout << "train: " << to_string(r.outcome) << " after " << r.epochs_run << " epoch(s) in " << r.seconds
                << " s; best epoch " << r.best_epoch;
      if (info.val.samples > 0) std::cout << " (" << config.train.metric << " " << r.best_value << ")";
      if (r.has_test)
        std::cout << "; test accuracy " << r.test.accuracy << ", track accuracy " << r.test.track_accuracy
                  << ", macro F1 " << r.test.macro_f1;
      std::cout << "\nwrote " << args->out.string() << "\n";
    }
    return 0;
  });
}

}  // namespace genre::train
