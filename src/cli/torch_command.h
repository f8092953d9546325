#pragma once
// The commands that train (train, classify, search) need LibTorch, and loading
// it costs every process that links it 0.6 s warm and seconds cold, before main
// runs. They live in genre-torch, an executable beside genre; the genre front,
// which never loads LibTorch, hands such a command over by exec'ing genre-torch
// with the same arguments. exec keeps the process (its pid, environment,
// descriptors and signals to come), and the front does it before anything, MPI
// included, is initialised: under mpiexec or srun every rank simply becomes a
// genre-torch rank, and the launcher sees no difference.
namespace genre::cli {

// The path of genre-torch: beside this executable.
inline constexpr const char* kTorchExecutable = "genre-torch";

// Replaces this process with `genre-torch <argv...>` (argv[0] is the
// subcommand's name). Returns only when exec fails: 1, after one error line
// naming the file and the reason.
int run_in_torch_executable(int argc, char** argv);

}  // namespace genre::cli
