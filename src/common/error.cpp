#include "common/error.h"

#include <cerrno>
#include <cstring>
#include <system_error>

namespace genre {

void rethrow_with_context(const std::string& context) { std::throw_with_nested(Error(context)); }

bool is_environment_errno(int err) { return err == ENOSPC || err == EIO || err == EROFS || err == EDQUOT; }

void throw_errno(const std::string& message, int err) {
  const std::string text = message + ": " + std::strerror(err);
  if (is_environment_errno(err)) throw EnvironmentError(text);
  throw Error(text);
}

ErrorKind kind_of(const std::exception& e) {
  if (dynamic_cast<const UsageError*>(&e)) return ErrorKind::kUsage;
  if (dynamic_cast<const OutputBusy*>(&e)) return ErrorKind::kBusy;
  if (dynamic_cast<const EnvironmentError*>(&e)) return ErrorKind::kEnvironment;
  // std::filesystem's errors (create_directories on a full disk) carry the errno.
  if (const auto* se = dynamic_cast<const std::system_error*>(&e))
    if (se->code().category() == std::generic_category() || se->code().category() == std::system_category())
      if (is_environment_errno(se->code().value())) return ErrorKind::kEnvironment;
  try {
    std::rethrow_if_nested(e);
  } catch (const std::exception& inner) {
    return kind_of(inner);
  } catch (...) {
  }
  return ErrorKind::kOther;
}

const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return "usage";
    case ErrorKind::kBusy: return "busy";
    case ErrorKind::kEnvironment: return "environment";
    case ErrorKind::kOther: break;
  }
  return "error";
}

ErrorKind parse_kind(const std::string& name) {
  for (ErrorKind k : {ErrorKind::kUsage, ErrorKind::kBusy, ErrorKind::kEnvironment})
    if (name == kind_name(k)) return k;
  return ErrorKind::kOther;
}

void throw_kind(ErrorKind kind, const std::string& message) {
  switch (kind) {
    case ErrorKind::kUsage: throw UsageError(message);
    case ErrorKind::kBusy: throw OutputBusy(message);
    case ErrorKind::kEnvironment: throw EnvironmentError(message);
    case ErrorKind::kOther: break;
  }
  throw Error(message);
}

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return 2;
    case ErrorKind::kBusy: return 75;
    case ErrorKind::kEnvironment: return 74;
    case ErrorKind::kOther: break;
  }
  return 1;
}

namespace {
void append_chain(const std::exception& e, std::string& out) {
  if (!out.empty()) out += ": ";
  out += e.what();
  try {
    std::rethrow_if_nested(e);
  } catch (const std::exception& inner) {
    append_chain(inner, out);
  } catch (...) {
    out += ": unknown error";
  }
}
}  // namespace

std::string describe(const std::exception& e) {
  std::string chain;
  append_chain(e, chain);
  // One line, always: a newline in a message (from a value a user wrote, a
  // file name, a library's text) is shown escaped, never broken.
  std::string out;
  for (char c : chain) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out += "\\x" + std::to_string(static_cast<int>(c));
    else out += c;
  }
  return out;
}

}  // namespace genre
