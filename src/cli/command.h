#pragma once
// A subcommand of `genre`: its name, a one-line summary for `genre --help`,
// and its entry point (argv[0] is the subcommand's name), which for the
// commands that need LibTorch is run_in_torch_executable (cli/torch_command.h).
namespace genre::cli {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

}  // namespace genre::cli
