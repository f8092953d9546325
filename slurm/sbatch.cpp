#include "slurm/sbatch.h"

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <regex>
#include <sstream>

#include "common/error.h"

extern char** environ;

namespace genre::slurm {

namespace {

// A pipe whose ends close themselves.
class Pipe {
 public:
  Pipe() {
    if (::pipe(fd_) != 0) throw Error(std::string("pipe: ") + std::strerror(errno));
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int read_end() const { return fd_[0]; }
  int write_end() const { return fd_[1]; }
  void close_read() { reset(fd_[0]); }
  void close_write() { reset(fd_[1]); }

 private:
  static void reset(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int fd_[2] = {-1, -1};
};

// posix_spawn's file actions, destroyed with the scope.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&fa_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&fa_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &fa_; }

 private:
  posix_spawn_file_actions_t fa_;
};

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv) {
  Pipe out, err;
  FileActions fa;
  posix_spawn_file_actions_adddup2(fa.get(), out.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(fa.get(), err.write_end(), STDERR_FILENO);
  posix_spawn_file_actions_addclose(fa.get(), out.read_end());
  posix_spawn_file_actions_addclose(fa.get(), err.read_end());
  posix_spawn_file_actions_addopen(fa.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], fa.get(), nullptr, args.data(), environ);
  if (rc != 0) throw Error("cannot run " + argv[0] + ": " + std::strerror(rc));
  out.close_write();
  err.close_write();

  CommandResult result;
  pollfd fds[2] = {{out.read_end(), POLLIN, 0}, {err.read_end(), POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  char buf[4096];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error(std::string("poll: ") + std::strerror(errno));
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error("waitpid(" + argv[0] + "): " + std::strerror(errno));
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  // posix_spawnp reports a missing program through the child's exit code 127.
  if (result.exit_code == 127 && result.out.empty() && result.err.empty())
    throw Error("cannot run " + argv[0] + ": not found on PATH");
  return result;
}

std::string slurm_reason(const CommandResult& r) {
  std::string reason;
  std::string line;
  std::istringstream lines(r.err);
  while (std::getline(lines, line)) {
    line = trim(line);
    if (line.empty()) continue;
    if (reason.empty() || line.find("error:") != std::string::npos) reason = line;
  }
  static const std::regex prefixes("^(sbatch|scancel|srun|salloc): (error: )?(Batch job submission failed: )?");
  reason = std::regex_replace(reason, prefixes, "");
  if (reason.empty()) reason = "exit code " + std::to_string(r.exit_code) + " and no message";
  return reason;
}

std::string sbatch(const std::filesystem::path& script, const std::optional<std::string>& after) {
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  if (after) {
    argv.push_back("--dependency=afterok:" + *after);
    // If the earlier job fails, this one is cancelled rather than left
    // pending forever ("DependencyNeverSatisfied").
    argv.push_back("--kill-on-invalid-dep=yes");
  }
  argv.push_back(script.string());
  CommandResult r;
  try {
    r = run_command(argv);
  } catch (const Error&) {
    rethrow_with_context("sbatch is not usable here (run genre submit on a login node of the cluster, or use --dry-run)");
  }
  if (r.exit_code != 0) throw Error(slurm_reason(r));
  // --parsable prints "<id>" or "<id>;<cluster>".
  static const std::regex id("^([0-9]+)(;[^\\s]*)?\\s*$");
  std::smatch m;
  const std::string out = trim(r.out);
  if (!std::regex_match(out, m, id)) throw Error("sbatch printed no job id (stdout: '" + out + "')");
  return m[1].str();
}

bool scancel(const std::string& job_id, std::string* why) {
  try {
    const CommandResult r = run_command({"scancel", job_id});
    if (r.exit_code == 0) return true;
    if (why) *why = slurm_reason(r);
  } catch (const std::exception& e) {
    if (why) *why = e.what();
  }
  return false;
}

}  // namespace genre::slurm
