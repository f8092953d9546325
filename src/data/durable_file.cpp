#include "data/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace genre::data {

namespace {

// Owns a POSIX file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now so that a failing close (delayed write errors on NFS) is seen.
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& file) {
  throw Error(file.string() + ": " + what + ": " + std::strerror(errno));
}

void sync_path(const std::filesystem::path& p, int flags) {
  Fd fd(::open(p.c_str(), flags | O_CLOEXEC));
  if (fd.get() < 0) fail("cannot open to sync", p);
  if (::fsync(fd.get()) != 0) fail("cannot fsync", p);
  if (fd.close() != 0) fail("cannot close", p);
}

}  // namespace

std::filesystem::path temp_name(const std::filesystem::path& final_path) {
  return final_path.string() + ".tmp";
}

void publish(const std::filesystem::path& tmp, const std::filesystem::path& final_path) {
  sync_path(tmp, O_RDONLY);
  if (std::rename(tmp.c_str(), final_path.c_str()) != 0) fail("cannot rename " + tmp.string() + " to", final_path);
  std::filesystem::path dir = final_path.parent_path();
  if (dir.empty()) dir = ".";
  sync_path(dir, O_RDONLY | O_DIRECTORY);
}

void write_durably(const std::filesystem::path& final_path, const std::string& bytes) {
  const std::filesystem::path tmp = temp_name(final_path);
  try {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) fail("cannot create", tmp);
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("cannot write", tmp);
      done += static_cast<std::size_t>(n);
    }
    if (fd.close() != 0) fail("cannot close", tmp);
    publish(tmp, final_path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
}

}  // namespace genre::data
