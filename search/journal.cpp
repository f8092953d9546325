#include "search/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"

namespace genre::search {

namespace {

// ENOSPC, EIO, EDQUOT: an EnvironmentError (common/error.h), which stops the
// sweep with every trial it touched still resumable.
[[noreturn]] void fail(const std::string& what, const std::filesystem::path& file) {
  const int err = errno;
  throw_errno(file.string() + ": " + what, err);
}

void sync_folder(const std::filesystem::path& file) {
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open folder to sync", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail("cannot fsync folder", dir);
}

}  // namespace

JournalWriter::JournalWriter(std::filesystem::path path) : path_(std::move(path)) {
  const bool existed = std::filesystem::exists(path_);
  if (existed) {
    const auto contents = read_journal(path_);
    if (contents.torn_tail) {
      std::error_code ec;
      std::filesystem::resize_file(path_, contents.complete_bytes, ec);
      if (ec) throw Error(path_.string() + ": cannot cut off the torn last line: " + ec.message());
    }
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot open the journal for appending", path_);
  if (!existed) sync_folder(path_);
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(const nlohmann::json& event) {
  if (fd_ < 0) throw Error(path_.string() + ": the journal is closed");
  // One write() per line: O_APPEND keeps it whole against concurrent readers,
  // and a crash can only tear the last line, which readers skip.
  const std::string line = event.dump() + "\n";
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      // A full disk may take half a line: cut it off, so that no later
      // append is glued to it. Should the cut fail too, readers still skip
      // a torn last line.
      const int err = errno;
      if (done > 0 && before >= 0) {
        [[maybe_unused]] const int cut = ::ftruncate(fd_, before);
      }
      errno = err;
      fail("cannot append to the journal", path_);
    }
    done += static_cast<std::size_t>(n);
  }
  while (::fdatasync(fd_) != 0)
    if (errno != EINTR) fail("cannot fsync the journal", path_);
}

void JournalWriter::close() {
  if (fd_ < 0) return;
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) fail("cannot close the journal", path_);
}

JournalContents read_journal(const std::filesystem::path& path) {
  JournalContents out;
  if (!std::filesystem::exists(path)) return out;
  const std::string text = read_file(path);
  std::size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    ++line_no;
    const std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {  // an append cut short
      out.torn_tail = true;
      break;
    }
    const std::string line = text.substr(start, nl - start);
    if (!line.empty()) {
      auto event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      const bool ok = event.is_object() && event.contains("event") && event["event"].is_string();
      if (!ok) {
        if (nl + 1 == text.size()) {  // the last line: a torn write that happened to end in '\n'
          out.torn_tail = true;
          break;
        }
        throw Error(path.string() + ":" + std::to_string(line_no) + ": not a journal event: " + line.substr(0, 80));
      }
      out.events.push_back(std::move(event));
    }
    start = nl + 1;
    out.complete_bytes = start;
  }
  return out;
}

}  // namespace genre::search
