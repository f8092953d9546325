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
  std::string out;
  append_chain(e, out);
  return out;
}

}  // namespace genre
