#include "cli/torch_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "app/executable.h"
#include "app/options.h"
#include "common/error.h"

namespace genre::cli {

int run_in_torch_executable(int argc, char** argv) {
  return app::guarded(argv[0], [&]() -> int {
    const std::string torch = (app::this_executable().parent_path() / kTorchExecutable).string();
    std::vector<char*> args{const_cast<char*>(torch.c_str())};
    args.insert(args.end(), argv, argv + argc);
    args.push_back(nullptr);
    ::execv(torch.c_str(), args.data());
    throw Error("cannot run " + torch + " (the executable of genre's LibTorch commands, built beside genre): " +
                std::strerror(errno));
  });
}

}  // namespace genre::cli
