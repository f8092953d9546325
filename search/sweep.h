#pragma once
// `genre search` as a library call: check everything on rank 0 before any
// work (spec, rank count, every trial's config, the journal against the spec),
// then split the ranks into the coordinator and worker groups and run the
// sweep to its end or until the job is told to stop.
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>

#include "dist/mpi.h"
#include "search/mpi_sweep.h"
#include "search/sweep_identity.h"
#include "search/trial_runner.h"

namespace genre::search {

struct SearchOptions {
  std::filesystem::path spec;  // the sweep spec; with resume it may be empty (the run's sweep.yaml is used)
  std::filesystem::path data;  // dataset.json (or its folder), handed to the runner
  std::filesystem::path out;   // runs/<name>: journal.jsonl, sweep.yaml, trials/, leaderboard files
  bool resume = false;         // continue the journal in `out` (a fresh start when there is none)
  double render_every_s = 5;   // the leaderboard is re-rendered at most this often while trials end
  ResumeAllowance allow;       // --allow-changed-spec, --allow-changed-data
  std::string command = "genre search";  // the command line, written into the folder's lock (common/output_lock.h)

  // Checks the options alone (paths present, a journal only with resume).
  // Throws UsageError naming the option.
  void validate() const;
};

// Makes the runner a rank trains trials with (every rank makes its own; rank
// 0 uses its one to validate configs).
using RunnerFactory = std::function<std::unique_ptr<TrialRunner>()>;

struct SearchOutcome {
  bool interrupted = false;  // the job was told to stop: exit 143, --resume continues
  // rank 0: not interrupted, yet some trial has no result in the journal
  // (its attempt came back with nothing): --resume retries it, a bounded number of times
  std::vector<int> unresolved;
  SweepStats stats;          // rank 0: timings; workers: empty
  int trials = 0;            // rank 0: the sweep's trial count
};

// Every config the sweep will train must be one the trainer accepts: checks
// the spec's configs (grid and random: all, up to 10,000; tpe: the random
// draws of its space, since its configs depend on results) with
// runner.validate. Throws UsageError "<spec_file>: trial N {...}: reason".
// Run by every sweep before any work, and by --plan.
void validate_trials(const SweepSpec& spec, const TrialRunner& runner, const std::string& spec_file);

// Collective over world. Throws UsageError on every rank (rank 0's message)
// when the checks fail, before anything is written; OutputBusy on every rank
// when another run holds `out` (rank 0 locks it for the whole sweep). `report` (rank 0) gets
// the final short table.
SearchOutcome run_search(const SearchOptions& options, const dist::Comm& world, const RunnerFactory& make_runner,
                         const std::function<bool()>& stop_requested, std::ostream* report);

// The leaderboard of a run folder, rendered from its journal; returns the
// short table (at most max_rows rows).
std::string render_run(const std::filesystem::path& run_dir, std::size_t max_rows);

}  // namespace genre::search
