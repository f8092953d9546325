#pragma once
// Entry points of the subcommands that live in preprocess/ (argv[0] is the
// subcommand's name); registered in src/cli/main.cpp.
namespace genre::preprocess {

int synth_main(int argc, char** argv);
int preprocess_main(int argc, char** argv);
int inspect_main(int argc, char** argv);

}  // namespace genre::preprocess
