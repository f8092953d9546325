#pragma once
// Entry points of `genre train` and `genre classify` (argv[0] is the
// subcommand's name); they need LibTorch, so they run in genre-torch
// (registered in src/cli/torch_main.cpp, listed by src/cli/main.cpp).
namespace genre::train {

int train_main(int argc, char** argv);
int classify_main(int argc, char** argv);

}  // namespace genre::train
