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

// Throws Error(context) with the exception being handled nested inside it.
// Call only from inside a catch block.
[[noreturn]] void rethrow_with_context(const std::string& context);

// "outer: inner: innermost" for an exception and its nested causes, on one
// line (control characters escaped: \n, \t, \x1).
std::string describe(const std::exception& e);

}  // namespace genre
