#include "config/fields.h"

#include <cstdint>
#include <sstream>

#include "config/yaml_json.h"

namespace genre::config {

namespace detail {

std::string shown(const YAML::Node& n) {
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}

std::string number_text(double v) {
  if (std::abs(v) < 1e15 && v == std::floor(v)) return std::to_string(static_cast<std::int64_t>(v));
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string range_text(double lo, double hi) {
  return "[" + number_text(lo) + ", " + (hi > 4.6e18 ? std::string("...") : number_text(hi)) + "]";
}

bool boolean(const YAML::Node& n) { return scalar<bool>(n, "true or false"); }

std::string utf8(std::string text) {
  try {
    (void)nlohmann::json(text).dump();  // the very check that would throw later, far from the key
  } catch (const nlohmann::json::exception&) {
    throw BadValue("is not UTF-8 text");
  }
  return text;
}

}  // namespace detail

nlohmann::ordered_json yaml_to_ordered_json(const YAML::Node& node) { return nlohmann::ordered_json(yaml_to_json(node, "")); }

}  // namespace genre::config
