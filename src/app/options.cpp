#include "app/options.h"

#include <iostream>

#include "app/stdout_watch.h"
#include "common/error.h"

namespace genre::app {

std::optional<po::variables_map> parse(const CommandLine& cl, po::options_description& options, int argc, char** argv,
                                       const po::positional_options_description* positional) {
  options.add_options()("help,h", "print this help and exit");
  po::variables_map vm;
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(options);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << cl.usage << "\n\n" << cl.about << "\n\n" << options << std::flush;
      return std::nullopt;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (see 'genre " + cl.command + " --help')");
  }
  return vm;
}

int guarded(const std::string& command, const std::function<int()>& body, const std::function<bool(bool)>& speaks) {
  const auto report = [&](const std::exception& e) {
    const ErrorKind kind = kind_of(e);
    // Usage errors and a busy output are found before any work, alike on every rank.
    const bool alike = kind == ErrorKind::kUsage || kind == ErrorKind::kBusy;
    if (!speaks || speaks(alike)) std::cerr << "genre " << command << ": error: " << describe(e) << std::endl;
    return exit_code(kind);
  };
  StdoutWatch out;
  try {
    const int code = body();
    // The results are what the command is for: a stdout that lost them
    // fails the command (a code of its own, e.g. 143, says more and stays).
    if (code == 0) out.check();
    return code;
  } catch (const std::exception& e) {
    return report(e);
  }
}

}  // namespace genre::app
