#include "tmpfs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace genre::search::test {

std::string Tmpfs::unavailable() {
  if (::geteuid() != 0) return "mounting a small tmpfs needs root (the CI runs the tests as root)";
  return "";
}

Tmpfs::Tmpfs(std::uint64_t bytes) {
  const std::string options = "size=" + std::to_string(bytes);
  if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) != 0)
    throw std::runtime_error("cannot mount a tmpfs on " + dir_.path().string() + ": " + std::strerror(errno));
}

Tmpfs::~Tmpfs() {
  // Nothing to report from a destructor; TempDir then removes what it can.
  [[maybe_unused]] const int rc = ::umount2(dir_.path().c_str(), MNT_DETACH);
}

void Tmpfs::fill() {
  const std::filesystem::path filler = dir_.path() / "filler";
  const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + filler.string() + ": " + std::strerror(errno));
  const std::vector<char> block(4096, 'x');
  ssize_t n = 0;
  do n = ::write(fd, block.data(), block.size());
  while (n > 0 || (n < 0 && errno == EINTR));
  const int err = errno;
  ::close(fd);
  if (err != ENOSPC) throw std::runtime_error("filling " + filler.string() + " stopped with " + std::strerror(err));
}

void Tmpfs::free() { std::filesystem::remove(dir_.path() / "filler"); }

}  // namespace genre::search::test
