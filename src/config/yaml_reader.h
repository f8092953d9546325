#pragma once
// The one way genre reads YAML that a person wrote (training configs, sweep
// specs, job specs, `--set` values). yaml-cpp alone accepts more than a
// config should: an alias expands into shared nodes that a walk visits once
// per reference (a 533-byte "billion laughs" grows past a gigabyte), a
// repeated key is merged or dropped without a word, and deep nesting fails
// late with a message that names nothing. read_yaml() runs the document
// through yaml-cpp's event parser first, refusing these before any node is
// built, then builds the nodes.
//
// Refused, each as a UsageError "<origin>: line N: <key>: <reason>":
//   - anchors and aliases (&a, *a, and so << merges): write the value out;
//   - a key given twice in one mapping (both lines named);
//   - keys that are not plain scalars (a list or mapping as a key, an empty key);
//   - nesting deeper than kMaxDepth mappings and lists;
//   - more than one document in the text;
//   - YAML syntax errors ("line N: YAML syntax error: <what yaml-cpp says>").
#include <filesystem>
#include <string>

#include <yaml-cpp/yaml.h>

namespace genre::config {

inline constexpr int kMaxDepth = 64;

// The document in `text`; a Null node when the text holds none. `origin`
// (a file name, or "" for a --set value) starts every error message.
YAML::Node read_yaml(const std::string& text, const std::string& origin);

// The same for a whole file, named in errors ("<file>: cannot read: <why>").
YAML::Node read_yaml_file(const std::filesystem::path& file);

// "line N: " for a mark of yaml-cpp, or "" when the mark is null (yaml-cpp
// reports some errors without a position, whose line would print as 0).
std::string line_of(const YAML::Mark& mark);

}  // namespace genre::config
