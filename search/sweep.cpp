#include "search/sweep.h"

#include <chrono>
#include <ostream>

#include "common/error.h"
#include "common/file_io.h"
#include "common/log.h"
#include "common/output_lock.h"
#include "search/algorithm.h"
#include "search/journal.h"
#include "search/leaderboard.h"
#include "search/run_layout.h"

namespace genre::search {

namespace {

constexpr std::size_t kMaxValidatedTrials = 10000;

// The spec is the user's input: an unreadable one is a usage error.
std::string read_text(const std::filesystem::path& file) {
  try {
    return read_file(file);
  } catch (const Error& e) {
    throw UsageError(std::string(e.what()) + " (the sweep spec)");
  }
}

struct Prepared {
  SweepSpec spec;
  std::string spec_text;
  std::vector<nlohmann::json> events;  // read under the output lock
  nlohmann::json identity;             // what it runs on, journaled with sweep_started
  int groups = 0;
};

// Rank 0: everything that can be wrong with the request, before any work.
Prepared prepare(const SearchOptions& o, int world_size, const TrialRunner& runner) {
  Prepared p;
  const auto copy = o.out / "sweep.yaml";
  const std::filesystem::path spec_file = o.spec.empty() ? copy : o.spec;
  p.spec_text = read_text(spec_file);
  p.spec = parse_spec_text(p.spec_text, spec_file.string(), spec_file.parent_path());
  if (p.spec.name.empty()) p.spec.name = std::filesystem::absolute(o.out).lexically_normal().filename().string();
  p.spec.validate();
  const int rpt = p.spec.ranks_per_trial;
  if (world_size == 1) {
    if (rpt != 1)
      throw UsageError(spec_file.string() + ": ranks_per_trial: " + std::to_string(rpt) +
                       " ranks per trial need mpiexec -n 1+" + std::to_string(rpt) + "k (one coordinator, k groups)");
    p.groups = 1;
  } else {
    const int workers = world_size - 1;
    if (workers < rpt || workers % rpt != 0)
      throw UsageError(spec_file.string() + ": ranks_per_trial: " + std::to_string(rpt) + " does not divide the " +
                       std::to_string(workers) + " worker ranks of this job (" + std::to_string(world_size) +
                       " ranks, rank 0 coordinates): run with -n 1+" + std::to_string(rpt) + "k");
    p.groups = workers / rpt;
  }
  validate_trials(p.spec, runner, spec_file.string());
  return p;
}

}  // namespace

void validate_trials(const SweepSpec& spec, const TrialRunner& runner, const std::string& spec_file) {
  // An adaptive method's configs depend on results; it draws from the same
  // space as the random search, whose draws are checked instead.
  SweepSpec drawn = spec;
  if (drawn.method == Method::kTpe) drawn.method = Method::kRandom;
  auto proposer = make_algorithm(drawn);
  for (std::size_t i = 0; i < kMaxValidatedTrials; ++i) {
    const auto params = proposer->next_config();
    if (!params) break;
    try {
      runner.validate(spec.trial_config(*params), spec.metric);
    } catch (const std::exception& e) {
      throw UsageError(spec_file + ": trial " + std::to_string(i) + " " + params->dump() + ": " + describe(e));
    }
  }
}

void SearchOptions::validate() const {
  if (out.empty()) throw UsageError("--out is required (the run folder, e.g. runs/NAME)");
  const bool has_journal = std::filesystem::exists(out / "journal.jsonl");
  if (spec.empty() && !(resume && std::filesystem::exists(out / "sweep.yaml")))
    throw UsageError("--spec is required (with --resume it defaults to the run's sweep.yaml, which " +
                     (out / "sweep.yaml").string() + " is not)");
  if (!spec.empty() && !std::filesystem::is_regular_file(spec))
    throw UsageError("--spec: " + spec.string() + " is not a file");
  if (data.empty()) throw UsageError("--data is required (a dataset.json from genre preprocess)");
  if (!std::filesystem::exists(data)) throw UsageError("--data: " + data.string() + " does not exist");
  if (has_journal && !resume)
    throw UsageError("--out: " + out.string() +
                     " already holds a sweep (journal.jsonl): pass --resume to continue it, or choose another --out");
  if (std::filesystem::exists(out) && !std::filesystem::is_directory(out))
    throw UsageError("--out: " + out.string() + " is not a folder");
}

SearchOutcome run_search(const SearchOptions& options, const dist::Comm& world, const RunnerFactory& make_runner,
                         const std::function<bool()>& stop_requested, std::ostream* report) {
  const bool root = world.rank() == 0;
  std::unique_ptr<TrialRunner> runner = make_runner();
  std::optional<Prepared> prepared;
  std::optional<OutputLock> lock;  // rank 0 holds the run folder for the whole sweep
  std::unique_ptr<Coordinator> coordinator_;
  std::string verdict;
  if (root) {
    try {
      options.validate();
      prepared = prepare(options, world.size(), *runner);
      // Everything read from the folder is read under its lock: a run that
      // ended a moment ago has written all it will.
      lock.emplace(options.out, options.command);
      options.validate();  // again: a run that held the folder until now may have made its journal
      prepared->events = read_journal(options.out / "journal.jsonl").events;
      prepared->identity = sweep_identity(prepared->spec_text, prepared->spec, options.data);
      check_identity(prepared->events, prepared->identity, options.allow, options.out / "journal.jsonl");
      coordinator_ = std::make_unique<Coordinator>(prepared->spec, options.out, prepared->events);
      verdict = nlohmann::json{{"ok", true}, {"ranks_per_trial", prepared->spec.ranks_per_trial}}.dump();
    } catch (const std::exception& e) {  // e.g. an unreadable journal: still every rank must hear of it
      verdict = nlohmann::json{{"ok", false}, {"kind", kind_name(kind_of(e))}, {"error", describe(e)}}.dump();
    }
  }
  const auto decision = nlohmann::json::parse(world.broadcast(verdict, 0));
  if (!decision.at("ok").get<bool>())
    throw_kind(parse_kind(decision.at("kind").get<std::string>()), decision.at("error").get<std::string>());
  const int rpt = decision.at("ranks_per_trial").get<int>();

  SearchOutcome outcome;
  if (!root) {
    // Worker ranks: groups of rpt consecutive ranks after the coordinator.
    const int index = (world.rank() - 1) / rpt;
    const dist::Comm group = world.split(index, world.rank());
    try {
      outcome.interrupted = work(world, group, index, *runner);
    } catch (const std::exception& e) {
      if (kind_of(e) == ErrorKind::kEnvironment)
        rethrow_with_context("sweep stopped; free the space and continue it with --resume");
      throw;
    }
    return outcome;
  }

  // Rank 0 takes part in the split (it is collective) but joins no group;
  // alone, it is a group of one itself.
  const dist::Comm self = world.size() > 1 ? world.split(MPI_UNDEFINED, 0) : world.split(0, 0);
  Prepared& p = *prepared;
  std::filesystem::create_directories(options.out / "trials");
  write_durably(options.out / "sweep.yaml", self_contained(p.spec_text, p.spec));
  Coordinator& coordinator = *coordinator_;
  auto last_render = std::chrono::steady_clock::now();
  coordinator.on_trial_end = [&](int) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - last_render).count() < options.render_every_s)
      return;
    try {
      render_run(options.out, 0);
    } catch (const std::exception& e) {
      if (kind_of(e) == ErrorKind::kEnvironment) throw;  // the next trial would hit the same disk
      spdlog::warn("could not render the leaderboard: {}", describe(e));
    }
    last_render = std::chrono::steady_clock::now();
  };
  coordinator.start(p.groups, p.identity);
  spdlog::info("sweep {}: {} trials ({} {}{}), {} group(s) of {} rank(s){}", p.spec.name, coordinator.total(),
               method_name(p.spec.method), p.spec.metric.name,
               p.spec.asha ? ", ASHA" : p.spec.hyperband ? ", Hyperband" : p.spec.median ? ", median stopping" : "", p.groups, rpt,
               p.events.empty() ? "" : "; resuming the journal");
  try {
    outcome.stats = world.size() > 1 ? serve(coordinator, world, p.groups, rpt, stop_requested)
                                     : run_alone(coordinator, *runner, self, stop_requested);
  } catch (const std::exception& e) {
    // A full disk or an I/O error: nothing more is started or journaled; the
    // journal still says what was done, and the trial that hit it is pending.
    if (kind_of(e) == ErrorKind::kEnvironment)
      rethrow_with_context("sweep " + p.spec.name + " stopped; free the space and continue it with --resume");
    throw;
  }
  outcome.interrupted = coordinator.interrupted();
  outcome.trials = coordinator.total();
  if (!outcome.interrupted && !coordinator.complete()) outcome.unresolved = coordinator.unresolved();
  coordinator.close();
  const std::string table = render_run(options.out, 10);
  std::string unresolved;
  for (int t : outcome.unresolved) unresolved += (unresolved.empty() ? " " : ", ") + std::to_string(t);
  if (report) {
    *report << "\nsweep " << p.spec.name
            << (outcome.interrupted          ? " interrupted (continue with --resume)"
                : outcome.unresolved.empty() ? " done"
                                             : " incomplete: trial(s)" + unresolved +
                                                   " came back without a result (retry them with --resume)")
            << ": " << (options.out / "leaderboard.md").string() << ", " << (options.out / "report.html").string()
            << "\n"
            << table;
  }
  return outcome;
}

std::string render_run(const std::filesystem::path& run_dir, std::size_t max_rows) {
  const SweepState state = load_sweep(run_dir);
  const Leaderboard lb = make_leaderboard(state);
  write_leaderboard(run_dir, state, lb);
  std::string text = leaderboard_text(lb, max_rows);
  if (lb.best())
    text += "best: trial " + std::to_string(lb.best()->trial.id) + ": config " + (run_dir / "best.yaml").string() +
            ", model " + best_link(run_dir).string() + " (genre classify --model " + best_link(run_dir).string() + ")\n";
  return text;
}

}  // namespace genre::search
