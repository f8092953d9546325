#include "common/output_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <thread>
#include <utility>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"

namespace genre {

namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

// The holder as the file tells it: "key=value" lines (host, pid, started, command).
std::map<std::string, std::string> parse_holder(const std::string& text) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(start, nl - start);
    const std::size_t eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    start = nl + 1;
  }
  return out;
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    at += n;
  }
  return text;
}

std::string describe_holder(const std::map<std::string, std::string>& h) {
  const auto get = [&](const char* k) {
    const auto it = h.find(k);
    return it == h.end() || it->second.empty() ? std::string("?") : it->second;
  };
  return "pid " + get("pid") + " on host " + get("host") + " since " + get("started") + ": " + get("command");
}

bool pid_alive(const std::string& pid) {
  try {
    const long p = std::stol(pid);
    return p > 0 && (::kill(static_cast<pid_t>(p), 0) == 0 || errno == EPERM);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string command_line(int argc, char** argv) {
  std::string out = "genre";
  for (int i = 0; i < argc; ++i) out += std::string(" ") + argv[i];
  return out;
}

OutputLock::OutputLock(const fs::path& dir, const std::string& command) : file_(dir / kFileName) {
  std::error_code ec;
  made_folder_ = fs::create_directories(dir, ec);
  if (ec) throw Error(dir.string() + ": cannot create the output folder: " + ec.message());
  const std::string me = host_name();
  // A few rounds: a holder that ends removes the file, and whoever had opened
  // that file before it went locks a name that is no longer there.
  for (int round = 0; round < 20; ++round) {
    Fd fd(::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (fd.get() < 0) throw_errno(file_.string() + ": cannot create the lock file", errno);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err != EWOULDBLOCK)
        throw_errno(file_.string() + ": cannot lock the output folder (on NFS, locks need NFSv4, or NFSv3 with "
                                     "lockd, mounted with local_lock=none)",
                    err);
      // The holder writes who it is just after locking: give it a moment.
      std::string text = read_all(fd.get());
      for (int i = 0; i < 20 && text.find("command=") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        text = read_all(fd.get());
      }
      const auto holder = parse_holder(text);
      std::string note;
      const auto host = holder.find("host");
      const auto pid = holder.find("pid");
      if (host != holder.end() && pid != holder.end() && host->second == me && !pid_alive(pid->second))
        note = " (that pid is gone: a process it started still holds the lock)";
      throw OutputBusy(dir.string() + ": in use by another run: " + describe_holder(holder) + note +
                       "; wait for it to end or stop it (lock " + file_.string() + ")");
    }
    struct stat locked {}, named {};
    if (::fstat(fd.get(), &locked) != 0 || ::stat(file_.c_str(), &named) != 0 || locked.st_ino != named.st_ino ||
        locked.st_dev != named.st_dev) {
      continue;  // removed by the holder that just ended: lock the new one
    }
    const std::string before = read_all(fd.get());
    if (!before.empty()) {
      const auto holder = parse_holder(before);
      const auto host = holder.find("host");
      if (host != holder.end() && host->second != me) {
        throw OutputBusy(dir.string() + ": " + file_.string() + " names a run on another host: " +
                         describe_holder(holder) + "; this host cannot tell whether it still runs: if it does " +
                         "not, remove " + file_.string() + " and start again");
      }
      took_over_ = describe_holder(holder);  // a run of this host that died: the free lock says so
      spdlog::info("{}: taking over the lock of a run that ended without releasing it ({})", file_.string(),
                   took_over_);
    }
    const std::string content = "host=" + me + "\npid=" + std::to_string(::getpid()) + "\nstarted=" + utc_now() +
                                "\ncommand=" + command + "\n";
    if (::ftruncate(fd.get(), 0) != 0 ||
        ::pwrite(fd.get(), content.data(), content.size(), 0) != static_cast<ssize_t>(content.size()) ||
        ::fsync(fd.get()) != 0) {
      const int err = errno;
      ::unlink(file_.c_str());
      throw_errno(file_.string() + ": cannot write the lock file", err);
    }
    fd_ = std::move(fd);
    return;
  }
  throw Error(file_.string() + ": the lock file kept changing under this run; try again");
}

OutputLock::~OutputLock() {
  if (fd_.get() < 0) return;
  // Removed while still locked, so nobody can lock this name's old file and
  // believe it holds the folder (see the check after flock above).
  ::unlink(file_.c_str());
  fd_.close();
  if (made_folder_) ::rmdir(file_.parent_path().c_str());  // fails, as it should, unless empty
}

}  // namespace genre
