#include "config/schema.h"

#include <algorithm>

#include "common/error.h"
#include "config/yaml_reader.h"

namespace genre::config {

void fail(const std::string& where, const std::string& key, const std::string& problem) {
  throw UsageError(where + key + ": " + problem);
}

std::string where(const std::string& origin, const YAML::Mark& mark) {
  return (origin.empty() ? "" : origin + ": ") + line_of(mark);
}

std::pair<std::string, YAML::Node> parse_assignment(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) throw UsageError("--set " + assignment + ": expected key=value");
  const std::string key = assignment.substr(0, eq);
  try {
    return {key, read_yaml(assignment.substr(eq + 1), "")};
  } catch (const UsageError& e) {
    throw UsageError("--set " + key + ": cannot read the value as YAML: " + e.what());
  }
}

Keys::Keys(std::vector<FieldDoc> docs, Conventions conventions) : docs_(std::move(docs)), conventions_(conventions) {}

std::string Keys::normal(std::string key) const {
  if (conventions_.dash_is_underscore) std::replace(key.begin(), key.end(), '_', '-');
  return key;
}

std::size_t Keys::find(const std::string& key) const {
  const std::string k = normal(key);
  for (std::size_t i = 0; i < docs_.size(); ++i)
    if (normal(docs_[i].key) == k) return i;
  return npos;
}

bool Keys::is_section(const std::string& prefix) const {
  const std::string p = normal(prefix) + ".";
  return std::any_of(docs_.begin(), docs_.end(), [&](const FieldDoc& d) { return normal(d.key).rfind(p, 0) == 0; });
}

// The names one level below `section` ("" for the top), each once, in table
// order: "name, lr, weight_decay" for "optim".
std::string Keys::keys_in(const std::string& section) const {
  const std::string p = section.empty() ? "" : normal(section) + ".";
  std::vector<std::string> names;
  for (const auto& d : docs_) {
    if (normal(d.key).rfind(p, 0) != 0) continue;
    const std::string rest = d.key.substr(p.size());
    const std::string name = rest.substr(0, rest.find('.'));
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string Keys::unknown(const std::string& key) const {
  const auto dot = key.rfind('.');
  const std::string section = dot == std::string::npos ? "" : key.substr(0, dot);
  if (!section.empty() && is_section(section)) return "unknown key (known in " + section + ": " + keys_in(section) + ")";
  return "unknown key (known: " + keys_in("") + ")";
}

void Keys::walk(const YAML::Node& root, const std::string& origin,
                const std::function<void(std::size_t, const YAML::Node&)>& set) const {
  if (!root || root.IsNull()) return;
  if (!root.IsMap()) throw UsageError(where(origin, root.Mark()) + "expected a mapping of keys, got " + detail::shown(root));
  std::vector<std::optional<Seen>> seen(docs_.size());
  walk(root, "", origin, set, seen);
}

// `seen`: where and how each field was set, since `train.epochs: 5` beside
// `train: {epochs: 7}` is one key given twice, which read_yaml cannot see.
void Keys::walk(const YAML::Node& node, const std::string& prefix, const std::string& origin,
                const std::function<void(std::size_t, const YAML::Node&)>& set, std::vector<std::optional<Seen>>& seen) const {
  for (const auto& entry : node) {
    const YAML::Mark mark = entry.first.Mark();
    if (!entry.first.IsScalar()) fail(where(origin, mark), prefix.empty() ? "the config" : prefix, "has a key that is not a name");
    const std::string key = prefix.empty() ? entry.first.Scalar() : prefix + "." + entry.first.Scalar();
    if (const std::size_t i = find(key); i != npos) {
      if (seen[i]) twice(origin, mark, key, *seen[i]);
      seen[i] = Seen{mark, key};
      set(i, entry.second);
    } else if (is_section(key)) {
      if (entry.second.IsNull()) continue;  // `section:` with nothing under it sets nothing
      if (!entry.second.IsMap())
        fail(where(origin, mark), key, "is a section (" + keys_in(key) + "), got " + detail::shown(entry.second));
      walk(entry.second, key, origin, set, seen);
    } else {
      fail(where(origin, mark), key, unknown(key));
    }
  }
}

// read_yaml refuses a key repeated in one mapping; these are the two
// spellings it cannot see, one key written dotted and nested, or with - and _.
void Keys::twice(const std::string& origin, const YAML::Mark& mark, const std::string& key, const Seen& first) const {
  const std::string at = first.mark.is_null() ? "" : " at line " + std::to_string(first.mark.line + 1);
  if (first.key != key) fail(where(origin, mark), key, "is given twice (first as " + first.key + at + "; - and _ spell the same key)");
  fail(where(origin, mark), key, "is given twice (first" + at + ", once dotted, once nested)");
}

std::string Keys::help() const {
  std::string s;
  for (const auto& f : docs_)
    s += "  " + f.key + std::string(f.key.size() < 26 ? 26 - f.key.size() : 1, ' ') + f.type + ", default " +
         f.default_value + ": " + f.doc + "\n";
  return s;
}

}  // namespace genre::config
