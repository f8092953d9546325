#pragma once
// The rows of a config table (config/schema.h): a Field<C> is one key of a
// config C with how to read it from YAML, give it as JSON and check it, and
// FieldsOf<C> builds one per kind of value (numbers with bounds, flags, text,
// choices, lists, optional keys, parts kept as YAML for their own reader).
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "config/field_doc.h"

namespace genre::config {

// A value that cannot be read as the field's type; the schema adds the key.
class BadValue : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

nlohmann::ordered_json yaml_to_ordered_json(const YAML::Node& node);

// The pieces the field builders share (fields.cpp).
namespace detail {
std::string shown(const YAML::Node& n);  // "'x'", "a list", "a mapping", "nothing"
std::string number_text(double v);       // 3, 0.001, 1e-12
std::string range_text(double lo, double hi);  // "[1, 64]"; an upper end past 2^62 is "..."
bool boolean(const YAML::Node& n);
// `text` itself, or BadValue when it is not UTF-8 (a config's text goes into
// JSON: config.yaml, the journal, model.json, which hold only UTF-8).
std::string utf8(std::string text);  // true/false, yes/no, on/off (any case yaml-cpp knows)
template <class T>
T scalar(const YAML::Node& n, const char* type) {
  if (!n.IsScalar() || (std::is_unsigned_v<T> && !n.Scalar().empty() && n.Scalar()[0] == '-'))
    throw BadValue(std::string("expected ") + type + ", got " + shown(n));
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    throw BadValue(std::string("expected ") + type + ", got " + shown(n));
  }
}
template <class T>
std::string range_problem(T v, T lo, T hi) {
  if (v >= lo && v <= hi) return "";
  return number_text(static_cast<double>(v)) + " is out of range " +
         range_text(static_cast<double>(lo), static_cast<double>(hi));
}
}  // namespace detail

// One row of a table. `set` reads a YAML value (throws BadValue), `get`
// gives it as JSON, `check` returns the bound it breaks ("" when valid).
template <class C>
struct Field {
  FieldDoc doc;
  std::function<void(C&, const YAML::Node&)> set;
  std::function<nlohmann::ordered_json(const C&)> get;
  std::function<std::string(const C&)> check;
};

// Where a field lives: a function from the config to the member, so that
// nested members (c.optim.lr) are as easy to name as direct ones, and one
// function can declare the same block under several prefixes.
template <class T, class C>
using Ref = std::function<T&(C&)>;

template <class T, class C>
const T& at(const Ref<T, C>& ref, const C& c) {
  return ref(const_cast<C&>(c));  // the reference only reads
}

// ---- The field builders, one per kind of value: FieldsOf<Config>::number(...). ----

template <class C>
struct FieldsOf {
  template <class T>
  using Ref = config::Ref<T, C>;

  template <class T>
  static Field<C> number(const std::string& key, const std::string& doc, Ref<T> ref, T lo, T hi) {
    const char* type = std::is_integral_v<T> ? "an integer" : "a number";
    return {{key, std::is_integral_v<T> ? "int" : "float", "", doc + (" " + detail::range_text(lo, hi))},
            [ref, type](C& c, const YAML::Node& n) { ref(c) = detail::scalar<T>(n, type); },
            [ref](const C& c) { return nlohmann::ordered_json(at(ref, c)); },
            [ref, lo, hi](const C& c) {
              const T v = at(ref, c);
              if constexpr (std::is_floating_point_v<T>)
                if (!std::isfinite(v)) return std::string("must be finite");
              return detail::range_problem(v, lo, hi);
            }};
  }

  static Field<C> flag(const std::string& key, const std::string& doc, Ref<bool> ref) {
    return {{key, "bool", "", doc},
            [ref](C& c, const YAML::Node& n) { ref(c) = detail::boolean(n); },
            [ref](const C& c) { return nlohmann::ordered_json(at(ref, c)); },
            [](const C&) { return std::string(); }};
  }

  static Field<C> text(const std::string& key, const std::string& doc, Ref<std::string> ref) {
    return {{key, "string", "", doc},
            [ref](C& c, const YAML::Node& n) { ref(c) = detail::utf8(detail::scalar<std::string>(n, "a string")); },
            [ref](const C& c) { return nlohmann::ordered_json(at(ref, c)); },
            [](const C&) { return std::string(); }};
  }

  static Field<C> choice(const std::string& key, const std::string& doc, Ref<std::string> ref, std::vector<std::string> options) {
    std::string list;
    for (const auto& o : options) list += (list.empty() ? "" : " | ") + o;
    return {{key, "string", "", doc + ": " + list},
            [ref](C& c, const YAML::Node& n) { ref(c) = detail::utf8(detail::scalar<std::string>(n, "a string")); },
            [ref](const C& c) { return nlohmann::ordered_json(at(ref, c)); },
            [ref, options, list](const C& c) {
              for (const auto& o : options)
                if (at(ref, c) == o) return std::string();
              return "'" + at(ref, c) + "' is not one of " + list;
            }};
  }

  // A list of integers, each in [lo, hi], at least one; a lone number is a
  // one-element list.
  static Field<C> int_list(const std::string& key, const std::string& doc, Ref<std::vector<int>> ref, int lo, int hi) {
    return {{key, "int list", "", doc + (" (each in " + detail::range_text(lo, hi) + ")")},
            [ref](C& c, const YAML::Node& n) {
              std::vector<int> v;
              if (n.IsScalar()) {
                v.push_back(detail::scalar<int>(n, "a list of integers"));
              } else if (n.IsSequence()) {
                for (const auto& e : n) v.push_back(detail::scalar<int>(e, "a list of integers"));
              } else {
                throw BadValue("expected a list of integers, got " + detail::shown(n));
              }
              ref(c) = v;
            },
            [ref](const C& c) { return nlohmann::ordered_json(at(ref, c)); },
            [ref, lo, hi](const C& c) {
              const auto& v = at(ref, c);
              if (v.empty()) return std::string("needs at least one entry");
              for (std::size_t i = 0; i < v.size(); ++i)
                if (auto p = detail::range_problem(v[i], lo, hi); !p.empty()) return "entry " + std::to_string(i + 1) + ": " + p;
              return std::string();
            }};
  }

  // A number or null (also written `default`): null leaves the choice to the
  // code that reads the config (e.g. the model's own default).
  static Field<C> optional_number(const std::string& key, const std::string& doc, Ref<std::optional<double>> ref, double lo, double hi) {
    return {{key, "float or null", "", doc + (" " + detail::range_text(lo, hi) + "; null: the model's default")},
            [ref](C& c, const YAML::Node& n) {
              if (n.IsNull() || (n.IsScalar() && (n.Scalar() == "default" || n.Scalar() == "null")))
                ref(c).reset();
              else
                ref(c) = detail::scalar<double>(n, "a number or null");
            },
            [ref](const C& c) { return at(ref, c) ? nlohmann::ordered_json(*at(ref, c)) : nlohmann::ordered_json(nullptr); },
            [ref, lo, hi](const C& c) {
              const auto& v = at(ref, c);
              if (!v) return std::string();
              if (!std::isfinite(*v)) return std::string("must be finite");
              return detail::range_problem(*v, lo, hi);
            }};
  }
  // ---- Keys that may be left out (job specs): null or absent is "not given". ----

  static Field<C> maybe_integer(const std::string& key, const std::string& doc, Ref<std::optional<long>> ref, long lo,
                                long hi) {
    return {{key, "int", "", doc + " " + detail::range_text(static_cast<double>(lo), static_cast<double>(hi))},
            [ref](C& c, const YAML::Node& n) {
              if (n.IsNull())
                ref(c).reset();
              else
                ref(c) = detail::scalar<long>(n, "an integer");
            },
            [ref](const C& c) { return at(ref, c) ? nlohmann::ordered_json(*at(ref, c)) : nlohmann::ordered_json(nullptr); },
            [ref, lo, hi](const C& c) { return at(ref, c) ? detail::range_problem(*at(ref, c), lo, hi) : std::string(); }};
  }

  static Field<C> maybe_flag(const std::string& key, const std::string& doc, Ref<std::optional<bool>> ref) {
    return {{key, "bool", "", doc},
            [ref](C& c, const YAML::Node& n) {
              if (n.IsNull())
                ref(c).reset();
              else
                ref(c) = detail::boolean(n);
            },
            [ref](const C& c) { return at(ref, c) ? nlohmann::ordered_json(*at(ref, c)) : nlohmann::ordered_json(nullptr); },
            [](const C&) { return std::string(); }};
  }

  // `check(key, value)` throws UsageError naming the key when the text is not
  // acceptable (e.g. slurm/fields.h's whitelists); it runs in validate().
  using TextCheck = std::function<void(const std::string& key, const std::string& value)>;

  static Field<C> maybe_text(const std::string& key, const std::string& doc, Ref<std::optional<std::string>> ref,
                             TextCheck check = {}) {
    return {{key, "string", "", doc},
            [ref](C& c, const YAML::Node& n) {
              if (n.IsNull())
                ref(c).reset();
              else
                ref(c) = detail::scalar<std::string>(n, "a single value");
            },
            [ref](const C& c) { return at(ref, c) ? nlohmann::ordered_json(*at(ref, c)) : nlohmann::ordered_json(nullptr); },
            [ref, key, check](const C& c) {
              if (at(ref, c) && check) check(key, *at(ref, c));
              return std::string();
            }};
  }

  // A list of single values; a lone value is a one-entry list.
  static Field<C> maybe_texts(const std::string& key, const std::string& doc,
                              Ref<std::optional<std::vector<std::string>>> ref, TextCheck check = {}) {
    return {{key, "string list", "", doc},
            [ref](C& c, const YAML::Node& n) {
              if (n.IsNull()) return ref(c).reset();
              if (n.IsScalar()) return void(ref(c) = std::vector<std::string>{n.Scalar()});
              if (!n.IsSequence()) throw BadValue("expected a list of values, got " + detail::shown(n));
              std::vector<std::string> v;
              for (std::size_t i = 0; i < n.size(); ++i) {
                if (!n[i].IsScalar())
                  throw BadValue("entry " + std::to_string(i) + ": expected a single value, got " + detail::shown(n[i]));
                v.push_back(n[i].Scalar());
              }
              ref(c) = v;
            },
            [ref](const C& c) { return at(ref, c) ? nlohmann::ordered_json(*at(ref, c)) : nlohmann::ordered_json(nullptr); },
            [ref, key, check](const C& c) {
              if (at(ref, c) && check)
                for (std::size_t i = 0; i < at(ref, c)->size(); ++i) check(key + "[" + std::to_string(i) + "]", (*at(ref, c))[i]);
              return std::string();
            }};
  }

  // A part of the config with a reader of its own (a sweep's parameter
  // space, a base config that may be a file name): kept as YAML for it.
  static Field<C> yaml(const std::string& key, const std::string& doc, Ref<YAML::Node> ref) {
    return {{key, "mapping", "", doc},
            [ref](C& c, const YAML::Node& n) { ref(c) = n; },
            [ref](const C& c) { return at(ref, c) ? yaml_to_ordered_json(at(ref, c)) : nlohmann::ordered_json(nullptr); },
            [](const C&) { return std::string(); }};
  }

  using Pairs = std::vector<std::pair<std::string, std::string>>;

  // A mapping NAME: value of single values, in the order written.
  static Field<C> maybe_pairs(const std::string& key, const std::string& doc, Ref<std::optional<Pairs>> ref,
                              TextCheck check = {}) {
    return {{key, "mapping", "", doc},
            [ref](C& c, const YAML::Node& n) {
              if (n.IsNull()) return ref(c).reset();
              if (!n.IsMap()) throw BadValue("expected a mapping NAME: value, got " + detail::shown(n));
              Pairs v;
              for (const auto& kv : n) {
                if (!kv.second.IsScalar())
                  throw BadValue("entry " + kv.first.Scalar() + ": expected a single value, got " + detail::shown(kv.second));
                v.emplace_back(kv.first.Scalar(), kv.second.Scalar());
              }
              ref(c) = v;
            },
            [ref](const C& c) {
              if (!at(ref, c)) return nlohmann::ordered_json(nullptr);
              auto out = nlohmann::ordered_json::object();
              for (const auto& [k, v] : *at(ref, c)) out[k] = v;
              return out;
            },
            [ref, key, check](const C& c) {
              if (at(ref, c) && check)
                for (const auto& [name, value] : *at(ref, c)) check(key + "." + name, name);
              return std::string();
            }};
  }
};

}  // namespace genre::config
