#pragma once
// Bytes from outside (file names, CSV cells, labels) made safe to show: JSON
// needs valid UTF-8 (nlohmann throws on anything else), and an error line
// must stay one short line whatever a name or a 10 MB cell holds.
#include <cstddef>
#include <string>
#include <string_view>

namespace genre {

bool is_valid_utf8(std::string_view s);

// Valid UTF-8 kept as it is; every byte that is not part of a valid sequence
// written as \xNN. The result is valid UTF-8, so it can go into JSON.
std::string utf8_escaped(std::string_view s);

// For error and log lines: utf8_escaped, with control characters (newlines,
// tabs, terminal escapes) also written as \xNN, cut after about `max_bytes`
// bytes (at a character boundary) with "…" appended when something was cut.
std::string shown(std::string_view s, std::size_t max_bytes = 80);

}  // namespace genre
