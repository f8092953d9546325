#include "app/executable.h"

#include "common/error.h"

namespace genre::app {

std::filesystem::path this_executable() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("cannot find the genre executable (/proc/self/exe): " + ec.message());
  return self;
}

}  // namespace genre::app
