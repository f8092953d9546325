#include "common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.h"
#include "common/fd.h"

namespace genre {

namespace fs = std::filesystem;

namespace {

// A full disk, an I/O error, a quota or a read-only mount is the machine's
// failure, not the caller's: throw_errno makes it an EnvironmentError, which
// stops a sweep (exit 74) instead of failing the trial that hit it.
[[noreturn]] void fail(const std::string& what, const fs::path& file) {
  const int err = errno;
  throw_errno(file.string() + ": " + what, err);
}

void sync_path(const fs::path& p, int flags) {
  Fd fd(::open(p.c_str(), flags | O_CLOEXEC));
  if (fd.get() < 0) fail("cannot open to sync", p);
  if (::fsync(fd.get()) != 0) fail("cannot fsync", p);
  if (fd.close() != 0) fail("cannot close", p);
}

// All of bytes to fd, short writes and EINTR retried.
void write_all(const Fd& fd, const std::string& bytes, const char* what, const fs::path& file) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(what, file);
    done += static_cast<std::size_t>(n);
  }
}

void sync_folder_of(const fs::path& file) {
  fs::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  sync_path(dir, O_RDONLY | O_DIRECTORY);
}

}  // namespace

std::string read_file(const fs::path& file) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail("cannot read", file);
  std::string bytes;
  struct stat st {};
  // One allocation for a regular file (audio files are read whole).
  if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode)) bytes.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read", file);
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  return bytes;
}

fs::path temp_name(const fs::path& final_path) { return final_path.string() + ".tmp"; }

void publish(const fs::path& tmp, const fs::path& final_path) {
  sync_path(tmp, O_RDONLY);
  if (std::rename(tmp.c_str(), final_path.c_str()) != 0) fail("cannot rename " + tmp.string() + " to", final_path);
  sync_folder_of(final_path);
}

void write_durably(const fs::path& final_path, const std::string& bytes, Writers writers) {
  const fs::path tmp = writers == Writers::kOne
                           ? temp_name(final_path)
                           : fs::path(final_path.string() + "." + std::to_string(::getpid()) + ".tmp");
  try {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) fail("cannot create", tmp);
    write_all(fd, bytes, "cannot write", tmp);
    if (fd.close() != 0) fail("cannot close", tmp);
    publish(tmp, final_path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

void append_to_file(const fs::path& file, const std::string& bytes) {
  Fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail("cannot open for appending", file);
  write_all(fd, bytes, "cannot append", file);
  if (fd.close() != 0) fail("cannot close", file);
}

void publish_symlink(const fs::path& link, const fs::path& target) {
  const fs::path tmp = link.string() + "." + std::to_string(::getpid()) + ".tmp";
  std::error_code ignored;
  fs::remove(tmp, ignored);
  if (::symlink(target.c_str(), tmp.c_str()) != 0) fail("cannot create a link to " + target.string() + " as", tmp);
  if (std::rename(tmp.c_str(), link.c_str()) != 0) {
    const int saved = errno;
    fs::remove(tmp, ignored);
    errno = saved;
    fail("cannot point it at " + target.string(), link);
  }
  sync_folder_of(link);
}

}  // namespace genre
