// genre: one command, one subcommand per job. main only dispatches; each
// subcommand parses its own options, runs, and maps its outcome to an exit code.
// This is the front, which loads no LibTorch: the commands that train run in
// genre-torch, which the front execs (cli/torch_command.h).
#include <cstring>
#include <iostream>
#include <iterator>

#include "app/options.h"
#include "cli/command.h"
#include "cli/torch_command.h"
#include "preprocess/commands.h"
#include "search/commands.h"
#include "slurm/commands.h"

namespace {

// The explicit registry of subcommands (no static self-registration), in the
// order of the data's way. run_in_torch_executable marks a LibTorch command.
constexpr genre::cli::Command kCommands[] = {
    {"synth", "write a deterministic synthetic labelled corpus laid out like GTZAN", genre::preprocess::synth_main},
    {"preprocess", "turn an audio collection into MFCC / log-mel HDF5 shards plus dataset.json (MPI-parallel)",
     genre::preprocess::preprocess_main},
    {"inspect", "summarise a preprocessed dataset: classes, splits, shards, failed files",
     genre::preprocess::inspect_main},
    {"train", "train one MLP / CNN / ResNet config on a dataset (data-parallel under mpiexec)",
     genre::cli::run_in_torch_executable},
    {"classify", "classify audio files with a trained model: genre, top-3, genres over time",
     genre::cli::run_in_torch_executable},
    {"search", "run a hyperparameter sweep: a coordinator and groups of ranks training trials",
     genre::cli::run_in_torch_executable},
    {"leaderboard", "render a sweep's leaderboard and report.html from its journal", genre::search::leaderboard_main},
    {"submit", "render a job spec into sbatch scripts and submit them (--dry-run prints them)",
     genre::slurm::submit_main},
};

void print_help(std::ostream& out) {
  out << "usage: genre <command> [options]   (genre <command> --help for each)\n\ncommands:\n";
  for (const auto& c : kCommands) out << "  " << c.name << std::string(12 - std::strlen(c.name), ' ') << c.summary << "\n";
  out << "\ngenre " << GENRE_VERSION << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_help(std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  // In app::guarded like every command, so that lost output says so (app/stdout_watch.h).
  if (name == "--help" || name == "-h" || name == "help")
    return genre::app::guarded("help", [] {
      print_help(std::cout);
      return 0;
    });
  if (name == "--version")
    return genre::app::guarded("--version", [] {
      std::cout << "genre " << GENRE_VERSION << "\n";
      return 0;
    });
  for (const auto& c : kCommands)
    if (name == c.name) return c.run(argc - 1, argv + 1);
  std::cerr << "genre: error: unknown command '" << name << "' (see 'genre --help')\n";
  return 2;
}
