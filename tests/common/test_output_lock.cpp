// The output folder's lock with real processes: a forked child holds it while
// the test process asks; dead and foreign holders are written as the files
// they leave.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "common/output_lock.h"
#include "support/test_support.h"

using namespace genre;

namespace {

std::string host_name() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

// A child process that takes the lock, says so on a pipe and holds it until
// told to end (or until it is killed).
class Holder {
 public:
  explicit Holder(const std::filesystem::path& dir) {
    int ready[2], go[2];
    if (::pipe(ready) != 0 || ::pipe(go) != 0) throw std::runtime_error(std::strerror(errno));
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(go[1]);
      char ok = 'n';
      {
        try {
          OutputLock lock(dir, "genre search --out held");
          ok = 'y';
          (void)!::write(ready[1], &ok, 1);
          char c;
          (void)!::read(go[0], &c, 1);
        } catch (...) {
          (void)!::write(ready[1], &ok, 1);
        }
      }
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(go[0]);
    go_ = go[1];
    char ok = 0;
    if (::read(ready[0], &ok, 1) != 1 || ok != 'y') throw std::runtime_error("the child could not take the lock");
    ::close(ready[0]);
  }
  ~Holder() { end(); }
  pid_t pid() const { return pid_; }
  void end() {
    if (go_ < 0) return;
    (void)!::write(go_, "x", 1);
    ::close(go_);
    go_ = -1;
    ::waitpid(pid_, nullptr, 0);
  }
  void kill() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    ::close(go_);
    go_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int go_ = -1;
};

std::string busy_message(const std::filesystem::path& dir) {
  try {
    OutputLock lock(dir, "genre search --out second");
  } catch (const OutputBusy& e) {
    return e.what();
  }
  return "(not refused)";
}

}  // namespace

TEST(OutputLock, ASecondRunIsRefusedWithTheHolderNamed) {
  test::TempDir t;
  const auto dir = t / "run";
  Holder holder(dir);
  const std::string message = busy_message(dir);
  EXPECT_NE(message.find("in use by another run: pid " + std::to_string(holder.pid()) + " on host " + host_name()),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("genre search --out held"), std::string::npos) << message;
  // Once the holder ends, the folder is free and its lock file is gone.
  holder.end();
  EXPECT_FALSE(std::filesystem::exists(dir / OutputLock::kFileName));
  OutputLock lock(dir, "genre search --out second");
  EXPECT_TRUE(lock.took_over().empty());
}

TEST(OutputLock, ADeadHoldersLockIsTakenOver) {
  test::TempDir t;
  const auto dir = t / "run";
  Holder holder(dir);
  const pid_t dead = holder.pid();
  holder.kill();  // SIGKILL: no destructor ran, the file stays
  ASSERT_TRUE(std::filesystem::exists(dir / OutputLock::kFileName));
  OutputLock lock(dir, "genre search --out second");
  EXPECT_NE(lock.took_over().find("pid " + std::to_string(dead)), std::string::npos) << lock.took_over();
  EXPECT_NE(test::read_file(dir / OutputLock::kFileName).find("pid=" + std::to_string(::getpid())), std::string::npos);
}

TEST(OutputLock, AnotherHostsFileIsNotTakenOverAndTheErrorSaysHowToClearIt) {
  test::TempDir t;
  const auto dir = t / "run";
  std::filesystem::create_directories(dir);
  test::write_file(dir / OutputLock::kFileName,
                   "host=node-elsewhere-17\npid=4242\nstarted=2026-01-01T00:00:00Z\ncommand=genre preprocess --output x\n");
  const std::string message = busy_message(dir);
  EXPECT_NE(message.find("names a run on another host: pid 4242 on host node-elsewhere-17"), std::string::npos)
      << message;
  EXPECT_NE(message.find("remove " + (dir / OutputLock::kFileName).string()), std::string::npos) << message;
  EXPECT_TRUE(std::filesystem::exists(dir / OutputLock::kFileName)) << "the foreign file is left as it was";
}

TEST(OutputLock, BusyAndEnvironmentErrorsKeepTheirKindThroughContext) {
  try {
    try {
      throw OutputBusy("runs/a: in use");
    } catch (...) {
      rethrow_with_context("rank 0");
    }
  } catch (const std::exception& e) {
    EXPECT_EQ(kind_of(e), ErrorKind::kBusy);
    EXPECT_EQ(exit_code(kind_of(e)), 75);
  }
  try {
    throw_errno("runs/a/journal.jsonl: cannot append", ENOSPC);
  } catch (const std::exception& e) {
    EXPECT_EQ(kind_of(e), ErrorKind::kEnvironment);
    EXPECT_EQ(exit_code(kind_of(e)), 74);
    EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos);
  }
  EXPECT_EQ(parse_kind(kind_name(ErrorKind::kUsage)), ErrorKind::kUsage);
  EXPECT_EQ(parse_kind("error"), ErrorKind::kOther);
}
