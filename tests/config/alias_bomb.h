#pragma once
// A "billion laughs" YAML document: nine lists of nine references to the list
// before, 533 bytes that a reader expanding aliases turns into 9^9 scalars.
#include <string>

namespace genre::config::test {

inline std::string alias_bomb(const std::string& key_prefix = "") {
  std::string out = key_prefix + "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    const char previous = static_cast<char>(c - 1);
    out += key_prefix + c + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) out += std::string(i ? ", " : "") + "*" + previous;
    out += "]\n";
  }
  return out;
}

}  // namespace genre::config::test
