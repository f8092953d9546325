#pragma once
// `genre search` with the trial runner left open: search_main passes the
// trainer adapter; another runner (objective_runner.h's deterministic one,
// say) gets exactly the same command, options, journal and exit codes.
#include <filesystem>
#include <functional>
#include <memory>

#include "search/trial_runner.h"

namespace genre::search {

struct RunnerContext {
  std::filesystem::path data;                // --data
  NodePlacement node;                        // this rank on its node
  std::function<bool()> stop_requested;      // SIGTERM seen
};
using MakeRunner = std::function<std::unique_ptr<TrialRunner>(const RunnerContext&)>;

// Parses the options, runs the sweep under mpiexec, srun or alone, and maps
// the outcome to an exit code: 0 done, 2 bad options or spec (before any
// work), 143 interrupted by SIGTERM (continue with --resume), 1 other errors.
int run_search_command(int argc, char** argv, const MakeRunner& make_runner);

}  // namespace genre::search
