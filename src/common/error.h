#pragma once
// Errors: library code throws genre::Error with context; callers add their own
// context with rethrow_with_context(), which nests the cause (std::nested_exception)
// so nothing is lost on the way up. The CLI flattens the chain into one line.
#include <exception>
#include <stdexcept>
#include <string>

namespace genre {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad command-line arguments or configs: the CLI exits with code 2 before any work.
class UsageError : public Error {
 public:
  using Error::Error;
};

// Another run holds the output folder (common/output_lock.h): nothing was
// done; the CLI exits with code 75 (EX_TEMPFAIL: try again when it ends).
class OutputBusy : public Error {
 public:
  using Error::Error;
};

// The machine failed a correct run: the disk is full, an I/O error, a
// read-only filesystem, a quota. Not the input's fault and not a trial's: the
// work stops and stays resumable; the CLI exits with code 74 (EX_IOERR).
class EnvironmentError : public Error {
 public:
  using Error::Error;
};

// Whether errno `err` is one of the environment's failures above.
bool is_environment_errno(int err);

// "<message>: <strerror(err)>", thrown as EnvironmentError when the errno is
// the environment's, as Error otherwise.
[[noreturn]] void throw_errno(const std::string& message, int err);

// What an error is, wherever it sits in a cause chain (the first typed one
// found, outermost first), so that context added on the way up does not hide
// it, and so that rank 0 can tell the other ranks which kind to throw.
enum class ErrorKind { kOther, kUsage, kBusy, kEnvironment };
ErrorKind kind_of(const std::exception& e);
const char* kind_name(ErrorKind kind);         // "error", "usage", "busy", "environment"
ErrorKind parse_kind(const std::string& name);  // the inverse; unknown names are kOther
// Throws the exception of that kind with that message.
[[noreturn]] void throw_kind(ErrorKind kind, const std::string& message);
// 1, 2, 75, 74.
int exit_code(ErrorKind kind);

// Throws Error(context) with the exception being handled nested inside it.
// Call only from inside a catch block.
[[noreturn]] void rethrow_with_context(const std::string& context);

// "outer: inner: innermost" for an exception and its nested causes, on one
// line (control characters escaped: \n, \t, \x1).
std::string describe(const std::exception& e);

}  // namespace genre
