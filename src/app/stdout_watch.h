#pragma once
// Output that never arrived must not pass for a result: `genre leaderboard R
// > /dev/full` printed nothing and exited 0. std::cout's failbit says that a
// write failed but not why, and errno is gone by the time a command ends (any
// later call that fails, even a std::filesystem::exists of a missing file,
// overwrites it; glibc drops the unwritten buffer). So the watch sits between
// std::cout and its buffer while a command runs, keeps the errno of the first
// write that failed, and app::guarded asks it at the end (app/options.h).
#include <streambuf>

namespace genre::app {

class StdoutWatch {
 public:
  StdoutWatch();   // becomes std::cout's buffer, forwarding to the one it had
  ~StdoutWatch();  // puts that one back
  StdoutWatch(const StdoutWatch&) = delete;
  StdoutWatch& operator=(const StdoutWatch&) = delete;

  // Flushes std::cout; throws "cannot write to stdout: <strerror>" when any
  // write failed (EnvironmentError, exit 74, for a full disk or an I/O error;
  // Error, exit 1, otherwise: common/error.h throw_errno).
  void check();

 private:
  class Forward : public std::streambuf {
   public:
    explicit Forward(std::streambuf* to) : to_(to) {}
    int error() const { return error_; }

   protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

   private:
    class Errno;
    void note(Errno& e);  // keeps errno of the first failure
    std::streambuf* to_;
    int error_ = 0;  // -1: failed without an errno
  };

  std::streambuf* original_;
  Forward forward_;
};

}  // namespace genre::app
