#include "common/error.h"

namespace genre {

void rethrow_with_context(const std::string& context) { std::throw_with_nested(Error(context)); }

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
