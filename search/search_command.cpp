// `genre search`: options -> SearchOptions -> run_search, under mpiexec, srun
// or alone.
#include "search/search_command.h"

#include <iostream>

#include "app/mpi_command.h"
#include "app/options.h"
#include "common/error.h"
#include "common/log.h"
#include "common/output_lock.h"
#include "common/stop_signal.h"
#include "dist/communicator.h"
#include "dist/peer_wait.h"
#include "search/algorithm.h"
#include "search/commands.h"
#include "search/coordinator.h"
#include "search/sweep.h"
#include "search/train_runner.h"

namespace genre::search {

namespace {

SearchOptions parse_options(int argc, char** argv, bool* help, bool* quiet, bool* plan) {
  namespace po = app::po;
  SearchOptions o;
  std::string spec, data, out;
  po::options_description opts("options");
  opts.add_options()
      ("spec", po::value(&spec), "the sweep spec (YAML: method, metric, parameters, base, early_terminate, ...)")
      ("data", po::value(&data), "dataset.json (or its folder) from genre preprocess")
      ("out", po::value(&out), "the run folder, e.g. runs/NAME: journal.jsonl, trials/, leaderboard.*, report.html, best.yaml")
      ("resume", po::bool_switch(&o.resume), "continue the sweep journaled in --out (--spec defaults to its sweep.yaml); "
                                            "finished, failed and pruned trials are kept, running ones restart from their checkpoint")
      ("allow-changed-spec", po::bool_switch(&o.allow.changed_spec),
       "with --resume: continue although the spec differs from the one the journal recorded (e.g. a raised max_trials)")
      ("allow-changed-data", po::bool_switch(&o.allow.changed_data),
       "with --resume: continue on another --data than the journal recorded (results of both datasets are mixed)")
      ("plan", po::bool_switch(plan), "print the trials the spec starts (their parameters, in order) and exit: "
                                      "trains nothing, needs no --data or --out")
      ("quiet", po::bool_switch(quiet), "print warnings and errors only");
  const auto vm = app::parse(
      {"search", "mpiexec -n 1+G*K genre search --spec SWEEP.yaml --data dataset.json --out runs/NAME [--resume]\n"
                 "       genre search --spec SWEEP.yaml --plan",
       "Runs a hyperparameter sweep: rank 0 coordinates and trains nothing; the other ranks form groups of the "
       "spec's ranks_per_trial, each training one trial at a time data-parallel and reporting every epoch. Every "
       "event goes to runs/NAME/journal.jsonl before it is acted on, so a killed job continues with --resume. "
       "SIGTERM makes running trials checkpoint and the command exit 143. Alone (no mpiexec) one process does both."},
      opts, argc, argv);
  *help = !vm.has_value();
  o.spec = spec;
  o.data = data;
  o.out = out;
  o.command = command_line(argc, argv);
  return o;
}

// --plan: what the spec fixes before any result: the space, and the configs
// no result can change, as the coordinator would number them (grid and
// random: all; tpe: its start-up trials). ASHA, Hyperband and the median
// rule prune later, from results.
int print_plan(const std::filesystem::path& spec_file, const TrialRunner& runner) {
  if (spec_file.empty()) throw UsageError("--plan needs --spec");
  const SweepSpec spec = parse_spec_file(spec_file);
  // The errors a real run would stop on: the spec's own (e.g. random without
  // max_trials), and trial values the trainer refuses (#13.16).
  spec.validate();
  validate_trials(spec, runner, spec_file.string());
  const auto algorithm = make_algorithm(spec);
  if (spec.method == Method::kTpe) {
    std::cout << "space:\n";
    for (const auto& p : spec.parameters) {
      std::cout << "  " << p.name << ": " << distribution_name(p.distribution);
      if (p.distribution == Distribution::kConstant || p.distribution == Distribution::kCategorical) {
        std::cout << " [";
        for (std::size_t i = 0; i < p.values.size(); ++i) std::cout << (i ? ", " : "") << p.values[i].dump();
        std::cout << "]";
      } else {
        std::cout << " [" << p.min << ", " << p.max << "]" << (p.distribution == Distribution::kQUniform ? " q " + std::to_string(p.q) : "");
      }
      for (const auto& c : p.when) {
        std::cout << " when " << c.param << " in [";
        for (std::size_t i = 0; i < c.values.size(); ++i) std::cout << (i ? ", " : "") << c.values[i].dump();
        std::cout << "]";
      }
      std::cout << "\n";
    }
  }
  const int fixed = algorithm->fixed_trials();
  int trial = 0;
  for (std::optional<nlohmann::json> params; trial < fixed && (params = algorithm->next_config()); ++trial) {
    std::cout << "trial " << trial << ":";
    for (const auto& [name, value] : params->items()) std::cout << " " << name << "=" << value.dump();
    std::cout << "\n";
  }
  if (const std::string note = algorithm->plan_note(); !note.empty()) std::cout << note << "\n";
  const char* stopper = spec.asha ? "ASHA" : spec.hyperband ? "Hyperband" : spec.median ? "the median rule" : nullptr;
  if (spec.method == Method::kTpe)
    std::cout << trial << " of " << spec.trial_count() << " trial(s) fixed in advance";
  else
    std::cout << trial << " trial(s)";
  std::cout << (stopper ? std::string(", pruned by ") + stopper + " as they report" : "") << "\n";
  return 0;
}

// Some group lost a rank (search/mpi_sweep.h). The journal and the
// leaderboard are written, but the silent rank would hold every other one in
// MPI_Finalize for ever, so rank 0 ends the job: 0 when every trial has its
// result, 143 when the job was interrupted, else 75 (EX_TEMPFAIL: a rerun with
// --resume, or SLURM's requeue, restarts the trials left).
[[noreturn]] void end_without_retired_groups(const SearchOutcome& outcome) {
  std::string groups;
  for (const RetiredGroup& g : outcome.stats.retired)
    groups += (groups.empty() ? "" : "; ") + std::string("group ") + std::to_string(g.group) + " (ranks " +
              std::to_string(g.first_rank) + "-" + std::to_string(g.first_rank + g.ranks - 1) + "): " + g.reason;
  const int code = outcome.interrupted        ? kInterruptedExitCode
                   : outcome.unresolved.empty() ? 0
                                                : dist::kPeerTimeoutExitCode;
  std::cout.flush();
  std::cerr << "genre search: retired " << groups << "; "
            << (code == 0 ? "every trial has its result" : "continue with --resume") << "; ending the job (exit "
            << code << ")" << std::endl;
  dist::Environment::abort(code);
}

}  // namespace

int run_search_command(int argc, char** argv, const MakeRunner& make_runner) {
  return app::run_mpi_command("search", argc, argv, [&](app::MpiCommand& command) {
    const dist::Comm& world = command.world();
    bool help = false, quiet = false, plan = false;
    const SearchOptions options = parse_options(argc, argv, &help, &quiet, &plan);
    if (help) return 0;
    const dist::LocalRank local = dist::local_rank(world);
    const RunnerContext context{options.data, NodePlacement{local.rank, local.size}, stop_requested};
    if (plan) return command.root() ? print_plan(options.spec, *make_runner(context)) : 0;
    log::setup(world.rank(), quiet);
    install_stop_signal();
    command.ranks_diverge();
    const SearchOutcome outcome = run_search(
        options, world, [&] { return make_runner(context); }, stop_requested, command.root() ? &std::cout : nullptr);
    if (!outcome.stats.retired.empty()) end_without_retired_groups(outcome);  // rank 0 alone knows of them
    if (outcome.interrupted) return kInterruptedExitCode;
    command.ranks_rejoin();  // the sweep ended on every rank; rank 0 alone knows what follows
    if (!outcome.unresolved.empty())
      throw Error("sweep incomplete: " + std::to_string(outcome.unresolved.size()) +
                  " trial(s) came back without a result; --resume retries each at most " +
                  std::to_string(Coordinator::kMaxLostResults) + " times in a row");
    return 0;
  });
}

int search_main(int argc, char** argv) {
  return run_search_command(argc, argv, [](const RunnerContext& c) -> std::unique_ptr<TrialRunner> {
    return std::make_unique<TrainRunner>(c.data, c.node, c.stop_requested);
  });
}

}  // namespace genre::search
