#pragma once
// Entry point of `genre submit` (argv[0] is the subcommand's name); registered
// in src/cli/main.cpp.
namespace genre::slurm {

int submit_main(int argc, char** argv);

}  // namespace genre::slurm
