#pragma once
// A small tmpfs mounted for one test, to make a full disk happen for real
// (ENOSPC from write(), as on a cluster's scratch). Mounting needs root, as
// the tests have in CI; elsewhere the test skips, saying why.
#include <cstdint>
#include <filesystem>
#include <string>

#include "support/test_support.h"

namespace genre::search::test {

class Tmpfs {
 public:
  // "" when a tmpfs can be mounted here, else why not (for GTEST_SKIP).
  static std::string unavailable();
  explicit Tmpfs(std::uint64_t bytes);  // mounts; throws std::runtime_error when it cannot
  ~Tmpfs();                              // unmounts (lazily, should a file still be open)
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;

  const std::filesystem::path& path() const { return dir_.path(); }
  std::filesystem::path operator/(const std::string& name) const { return dir_.path() / name; }
  // Writes a filler file until the file system is full; free() removes it.
  void fill();
  void free();

 private:
  genre::test::TempDir dir_;
};

}  // namespace genre::search::test
