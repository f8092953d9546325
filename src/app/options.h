#pragma once
// Option parsing shared by every subcommand (Boost.Program_options): --help,
// unknown or malformed options turned into one-line UsageErrors, and the
// mapping from an outcome to an exit code.
#include <boost/program_options.hpp>

#include <functional>
#include <optional>
#include <string>

namespace genre::app {

namespace po = boost::program_options;

struct CommandLine {
  std::string command;  // e.g. "preprocess"
  std::string usage;    // e.g. "genre preprocess --input DIR --output DIR [options]"
  std::string about;    // one paragraph printed under the usage by --help
};

// Parses argv (argv[0] is the subcommand name). Adds --help. Returns nullopt
// after printing help; throws UsageError for unknown/malformed options.
std::optional<po::variables_map> parse(const CommandLine& cl, po::options_description& options, int argc, char** argv,
                                       const po::positional_options_description* positional = nullptr);

// Runs body and maps the outcome to an exit code, printing errors as one line
// "genre <command>: error: <cause chain>": 0 ok, 2 usage error, 75 the output
// is busy (another run holds its lock), 74 the environment failed (disk full,
// I/O error: the work is resumable), 1 other errors (common/error.h).
// Output to stdout that was lost (a full disk, a closed descriptor) fails a
// body that returned 0 the same way, naming stdout and why (app/stdout_watch.h).
// speaks(alike), when given, decides whether this process prints the line
// (alike: a usage error or a busy output, which every MPI rank raises alike
// and leaves to rank 0 to print).
int guarded(const std::string& command, const std::function<int()>& body,
            const std::function<bool(bool)>& speaks = nullptr);

}  // namespace genre::app
