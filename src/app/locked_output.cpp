#include "app/locked_output.h"

#include "common/error.h"

namespace genre::app {

std::unique_ptr<OutputLock> lock_output(const dist::Comm& world, const std::filesystem::path& dir,
                                        const std::string& command) {
  std::unique_ptr<OutputLock> lock;
  std::string verdict;  // empty: taken; else "<kind>\n<message>"
  if (world.rank() == 0) {
    try {
      lock = std::make_unique<OutputLock>(dir, command);
    } catch (const std::exception& e) {
      verdict = std::string(kind_name(kind_of(e))) + "\n" + describe(e);
    }
  }
  if (world.size() > 1) verdict = world.broadcast(verdict, 0);
  if (!verdict.empty()) {
    const std::size_t nl = verdict.find('\n');
    throw_kind(parse_kind(verdict.substr(0, nl)), verdict.substr(nl + 1));
  }
  return lock;
}

}  // namespace genre::app
