#pragma once
// Entry points of `genre train` and `genre classify` (argv[0] is the
// subcommand's name); registered in src/cli/main.cpp.
namespace genre::train {

int train_main(int argc, char** argv);
int classify_main(int argc, char** argv);

}  // namespace genre::train
