#pragma once
// A typed config declared once (STYLE.md 7: LightGBM's config, Marian's
// validator). Each field is one line of a table: its key, where it lives in
// the struct, its type, bounds or choices, and its doc; the default is the
// struct's own initialiser. From that one table a Schema<C>
//   - reads a YAML mapping (nested sections or dotted keys) and `--set k=v`,
//   - validates in a separate pass (bounds, choices; cross-field rules stay
//     with the config's owner, after this pass),
//   - emits the config as JSON or YAML, and
//   - prints the --help table.
// Errors are UsageError, one line: "<origin>: line N: <key>: <problem>".
//
// Adding a key: add a member with its default to the struct and one row to
// its table (docs/config.md).
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "config/field_doc.h"
#include "config/fields.h"

namespace genre::config {

// How one config spells its keys.
struct Conventions {
  // Job specs: `ntasks-per-node` and `ntasks_per_node` are one key (sbatch
  // spells it with -, YAML users often with _).
  bool dash_is_underscore = false;
};

// ---- The keys of a table, apart from the config type (schema.cpp). ----

class Keys {
 public:
  Keys(std::vector<FieldDoc> docs, Conventions conventions);
  const std::vector<FieldDoc>& docs() const { return docs_; }
  // The index of the field `key` names, or npos.
  std::size_t find(const std::string& key) const;
  // Walks a YAML mapping of nested sections and dotted keys, calling
  // `set(index, value)` for each field it names; unknown keys, sections given
  // a value, and a field given twice (dotted and nested) are errors naming
  // `origin` and the line.
  void walk(const YAML::Node& root, const std::string& origin,
            const std::function<void(std::size_t, const YAML::Node&)>& set) const;
  // "unknown key (known in s: ...)" for a key no field has.
  std::string unknown(const std::string& key) const;
  // The --help table: one line per key with its type, default and doc.
  std::string help() const;

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  struct Seen {
    YAML::Mark mark;
    std::string key;  // as spelled
  };
  std::string normal(std::string key) const;
  [[noreturn]] void twice(const std::string& origin, const YAML::Mark& mark, const std::string& key, const Seen& first) const;
  bool is_section(const std::string& prefix) const;
  std::string keys_in(const std::string& section) const;
  void walk(const YAML::Node& node, const std::string& prefix, const std::string& origin,
            const std::function<void(std::size_t, const YAML::Node&)>& set, std::vector<std::optional<Seen>>& seen) const;

  std::vector<FieldDoc> docs_;
  Conventions conventions_;
};

// "key=value" split at the first '=', the value read as YAML ("1e-4",
// "[128, 64]", "true"). Throws UsageError "--set ...: ..." when malformed.
std::pair<std::string, YAML::Node> parse_assignment(const std::string& assignment);

// Throws UsageError "<where><key>: <problem>"; `where` is "<origin>: line N: ",
// "--set " or "".
[[noreturn]] void fail(const std::string& where, const std::string& key, const std::string& problem);
// "<origin>: line N: " (either part left out when unknown).
std::string where(const std::string& origin, const YAML::Mark& mark);

// ---- The schema itself. ----

template <class C>
class Schema {
 public:
  explicit Schema(std::vector<Field<C>> fields, Conventions conventions = {})
      : fields_(std::move(fields)), keys_(docs_with_defaults(fields_), conventions) {}

  const std::vector<FieldDoc>& docs() const { return keys_.docs(); }
  std::string help() const { return keys_.help(); }

  // Applies the keys of a YAML mapping (nested sections or dotted keys).
  // Does not validate: call validate() once at the end.
  void read(C& c, const YAML::Node& root, const std::string& origin) const {
    keys_.walk(root, origin, [&](std::size_t i, const YAML::Node& value) {
      try {
        fields_[i].set(c, value);
      } catch (const BadValue& e) {
        fail(where(origin, value.Mark()), fields_[i].doc.key, e.what());
      }
    });
  }

  // Sets one key from a YAML value; "unknown key" or the value's problem.
  void set(C& c, const std::string& key, const YAML::Node& value) const { set_from(c, key, value, ""); }

  // "key=value" from the command line; errors start with "--set".
  void apply_override(C& c, const std::string& assignment) const {
    const auto [key, value] = parse_assignment(assignment);
    set_from(c, key, value, "--set ");
  }

  // Each field's bounds and choices; throws UsageError "<key>: <problem>".
  void validate(const C& c) const;

  nlohmann::ordered_json to_json(const C& c) const {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& f : fields_) {
      const std::string& key = f.doc.key;
      const auto dot = key.find('.');
      if (dot == std::string::npos)
        out[key] = f.get(c);
      else
        out[key.substr(0, dot)][key.substr(dot + 1)] = f.get(c);
    }
    return out;
  }

  // The value of one key as JSON (e.g. for the leaderboard's columns).
  nlohmann::ordered_json get(const C& c, const std::string& key) const {
    const std::size_t i = keys_.find(key);
    if (i == Keys::npos) fail("", key, keys_.unknown(key));
    return fields_[i].get(c);
  }

 private:
  static std::vector<FieldDoc> docs_with_defaults(const std::vector<Field<C>>& fields) {
    const C defaults;
    std::vector<FieldDoc> docs;
    for (const auto& f : fields) {
      docs.push_back(f.doc);
      docs.back().default_value = f.get(defaults).dump();
    }
    return docs;
  }

  void set_from(C& c, const std::string& key, const YAML::Node& value, const std::string& where) const {
    const std::size_t i = keys_.find(key);
    if (i == Keys::npos) fail(where, key, keys_.unknown(key));
    try {
      fields_[i].set(c, value);
    } catch (const BadValue& e) {
      fail(where, fields_[i].doc.key, e.what());
    }
  }

  std::vector<Field<C>> fields_;
  Keys keys_;
};

template <class C>
void Schema<C>::validate(const C& c) const {
  for (const auto& f : fields_)
    if (const std::string problem = f.check(c); !problem.empty()) fail("", f.doc.key, problem);
}

}  // namespace genre::config
