#pragma once
// Entry points of the subcommands that live in search/ (argv[0] is the
// subcommand's name); registered in src/cli/main.cpp.
namespace genre::search {

// genre search --spec FILE --data dataset.json --out runs/NAME [--resume] [--quiet]
int search_main(int argc, char** argv);
// genre leaderboard runs/NAME [--top N]
int leaderboard_main(int argc, char** argv);

}  // namespace genre::search
