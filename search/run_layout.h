#pragma once
// Where a sweep's files live inside its --out folder (README, "Output files").
#include <cstdio>
#include <filesystem>

namespace genre::search {

// RUN/trials/0007: one folder per trial (config, metrics, checkpoints, model).
inline std::filesystem::path trial_dir(const std::filesystem::path& run_dir, int trial) {
  char name[16];
  std::snprintf(name, sizeof name, "%04d", trial);
  return run_dir / "trials" / name;
}

// RUN/best -> trials/NNNN, the best finished trial: `genre classify --model
// RUN/best` (and a classify stage chained after a sweep) take the winner
// without knowing its id.
inline std::filesystem::path best_link(const std::filesystem::path& run_dir) { return run_dir / "best"; }

}  // namespace genre::search
