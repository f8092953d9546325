#include "app/stdout_watch.h"

#include <cerrno>
#include <iostream>

#include "common/error.h"

namespace genre::app {

StdoutWatch::StdoutWatch() : original_(std::cout.rdbuf()), forward_(original_) { std::cout.rdbuf(&forward_); }

StdoutWatch::~StdoutWatch() {
  std::cout.flush();
  std::cout.rdbuf(original_);
}

void StdoutWatch::check() {
  std::cout.flush();
  if (forward_.error() > 0) throw_errno("cannot write to stdout", forward_.error());
  if (forward_.error() < 0 || !std::cout) throw Error("cannot write to stdout");
}

// Each write starts from errno 0, so that a failure without a reason is not
// blamed on an older one, and puts the caller's errno back when it succeeds
// (`std::cout << "x: " << std::strerror(errno)` writes before it reads errno).
class StdoutWatch::Forward::Errno {
 public:
  Errno() : saved_(errno) { errno = 0; }
  void keep() { kept_ = true; }
  ~Errno() {
    if (!kept_) errno = saved_;
  }

 private:
  int saved_;
  bool kept_ = false;
};

void StdoutWatch::Forward::note(Errno& e) {
  if (error_ == 0) error_ = errno ? errno : -1;
  e.keep();
}

StdoutWatch::Forward::int_type StdoutWatch::Forward::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  Errno e;
  if (traits_type::eq_int_type(to_->sputc(traits_type::to_char_type(c)), traits_type::eof())) {
    note(e);
    return traits_type::eof();
  }
  return c;
}

std::streamsize StdoutWatch::Forward::xsputn(const char* s, std::streamsize n) {
  Errno e;
  const std::streamsize written = to_->sputn(s, n);
  if (written < n) note(e);
  return written;
}

int StdoutWatch::Forward::sync() {
  Errno e;
  if (to_->pubsync() == -1) {
    note(e);
    return -1;
  }
  return 0;
}

}  // namespace genre::app
