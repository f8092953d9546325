#include "cli/options.h"

#include <iostream>

#include "common/error.h"

namespace genre::cli {

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

int guarded(const std::string& command, const std::function<int()>& body) {
  try {
    return body();
  } catch (const UsageError& e) {
    std::cerr << "genre " << command << ": error: " << describe(e) << std::endl;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "genre " << command << ": error: " << describe(e) << std::endl;
    return 1;
  }
}

}  // namespace genre::cli
