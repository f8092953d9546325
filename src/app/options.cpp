#include "app/options.h"

#include <iostream>

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
  const auto report = [&](const std::exception& e, bool usage) {
    if (!speaks || speaks(usage)) std::cerr << "genre " << command << ": error: " << describe(e) << std::endl;
    return usage ? 2 : 1;
  };
  try {
    return body();
  } catch (const UsageError& e) {
    return report(e, true);
  } catch (const std::exception& e) {
    return report(e, false);
  }
}

}  // namespace genre::app
