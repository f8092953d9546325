#pragma once
// Entry points of the subcommands that live in search/ (argv[0] is the
// subcommand's name). leaderboard is torch-free and runs in the genre front
// (src/cli/main.cpp); search trains, so it runs in genre-torch
// (src/cli/torch_main.cpp).
namespace genre::search {

// genre search --spec FILE --data dataset.json --out runs/NAME [--resume] [--quiet]
int search_main(int argc, char** argv);
// genre leaderboard runs/NAME [--top N]
int leaderboard_main(int argc, char** argv);

}  // namespace genre::search
