#pragma once
// Talking to SLURM: sbatch and scancel run as child processes (argv, never a
// shell), their errors turned into one line a person can act on.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace genre::slurm {

struct CommandResult {
  int exit_code = 0;  // 128 + signal when killed by one
  std::string out, err;
};

// Runs argv[0] (looked up on PATH) with the arguments, the environment
// inherited; collects stdout and stderr. Throws Error if it cannot start
// (e.g. not installed).
CommandResult run_command(const std::vector<std::string>& argv);

// `sbatch --parsable [--dependency=afterok:<after> --kill-on-invalid-dep=yes]
// <script>`; returns the job
// id. Throws Error with sbatch's own reason ("Invalid partition name
// specified") when it refuses the job.
std::string sbatch(const std::filesystem::path& script, const std::optional<std::string>& after);

// The line that explains a failed sbatch/scancel: its last "error:" line,
// without the "sbatch: error: " and "Batch job submission failed: " prefixes.
std::string slurm_reason(const CommandResult& r);

// scancel <id>; false (and a reason in *why) when it failed.
bool scancel(const std::string& job_id, std::string* why);

}  // namespace genre::slurm
