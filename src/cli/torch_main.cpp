// genre-torch: the commands that need LibTorch (train, classify, search), in an
// executable of their own so that the genre front and its other commands start
// without loading it (cli/torch_command.h). Users call them through genre,
// which execs this with the same arguments; run directly it does the same.
#include <iostream>
#include <string>

#include "search/commands.h"
#include "train/commands.h"

namespace {

struct TorchCommand {
  const char* name;
  int (*run)(int argc, char** argv);
};

// Their summaries are in the front's table (src/cli/main.cpp), which lists every command.
constexpr TorchCommand kTorchCommands[] = {
    {"train", genre::train::train_main},
    {"classify", genre::train::classify_main},
    {"search", genre::search::search_main},
};

std::string names() {
  std::string all;
  for (const auto& c : kTorchCommands) all += (all.empty() ? "" : ", ") + std::string(c.name);
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string name = argc < 2 ? "" : argv[1];
  for (const auto& c : kTorchCommands)
    if (name == c.name) return c.run(argc - 1, argv + 1);
  const std::string about = "genre-torch runs genre's LibTorch commands (" + names() +
                            "); call them as 'genre <command>' (see 'genre --help')";
  if (name == "--help" || name == "-h") {
    std::cout << about << "\n";
    return 0;
  }
  std::cerr << "genre-torch: error: " << (name.empty() ? "no command" : "unknown command '" + name + "'") << ": "
            << about << "\n";
  return 2;
}
