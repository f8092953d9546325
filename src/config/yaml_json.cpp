#include "config/yaml_json.h"

#include <charconv>
#include <cstdio>
#include <cmath>
#include <regex>

#include "common/error.h"

namespace genre::config {

namespace {

// YAML 1.2 core schema resolution of a plain (unquoted) scalar.
nlohmann::json plain_scalar(const std::string& s) {
  static const std::regex kNull("~|null|Null|NULL|");
  static const std::regex kTrue("true|True|TRUE");
  static const std::regex kFalse("false|False|FALSE");
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex kInf("[-+]?\\.(inf|Inf|INF)");
  static const std::regex kNan("\\.(nan|NaN|NAN)");
  if (std::regex_match(s, kNull)) return nullptr;
  if (std::regex_match(s, kTrue)) return true;
  if (std::regex_match(s, kFalse)) return false;
  if (std::regex_match(s, kInt)) {
    std::int64_t v = 0;
    const char* b = s.data() + (s[0] == '+' ? 1 : 0);
    const auto r = std::from_chars(b, s.data() + s.size(), v);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return v;
    return std::stod(s);  // too large for int64: keep it as a number
  }
  if (std::regex_match(s, kFloat)) return std::stod(s);
  if (std::regex_match(s, kInf)) return s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  if (std::regex_match(s, kNan)) return std::nan("");
  return s;
}

bool reads_as_non_string(const std::string& s) { return !plain_scalar(s).is_string(); }

template <class Json>
void emit(YAML::Emitter& out, const Json& v) {
  using value_t = nlohmann::json::value_t;
  switch (v.type()) {
    case value_t::object:
      out << YAML::BeginMap;
      for (const auto& [k, x] : v.items()) {
        out << YAML::Key << k << YAML::Value;
        emit(out, x);
      }
      out << YAML::EndMap;
      break;
    case value_t::array: {
      // Short lists of scalars read best inline: [256, 128, 64].
      bool scalars = v.size() <= 16;
      for (const auto& x : v) scalars = scalars && !x.is_structured();
      if (scalars) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& x : v) emit(out, x);
      out << YAML::EndSeq;
      break;
    }
    case value_t::string: {
      const auto& s = v.template get_ref<const std::string&>();
      if (reads_as_non_string(s)) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case value_t::boolean:
      out << (v.template get<bool>() ? "true" : "false");
      break;
    case value_t::number_integer:
      out << v.template get<std::int64_t>();
      break;
    case value_t::number_unsigned:
      out << v.template get<std::uint64_t>();
      break;
    case value_t::number_float:
      out << yaml_double(v.template get<double>());
      break;
    default:
      out << YAML::Null;
  }
}

}  // namespace

nlohmann::json yaml_to_json(const YAML::Node& node, const std::string& where) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!": those are strings whatever they say.
      if (node.Tag() == "!") return node.Scalar();
      return plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::json::array();
      std::size_t i = 0;
      for (const auto& x : node) out.push_back(yaml_to_json(x, where + "[" + std::to_string(i++) + "]"));
      return out;
    }
    case YAML::NodeType::Map: {
      auto out = nlohmann::json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) throw Error(where + ": map keys must be plain names");
        const std::string key = kv.first.Scalar();
        out[key] = yaml_to_json(kv.second, where.empty() ? key : where + "." + key);
      }
      return out;
    }
  }
  return nullptr;
}

std::string json_to_yaml(const nlohmann::json& value) {
  YAML::Emitter out;
  emit(out, value);
  return std::string(out.c_str()) + "\n";
}

std::string json_to_yaml(const nlohmann::ordered_json& value) {
  YAML::Emitter out;
  emit(out, value);
  return std::string(out.c_str()) + "\n";
}

std::string yaml_comment(const std::string& text) {
  std::string out = "# ";
  char hex[8];
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool nel = c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85;
    const bool separator = c == 0xe2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                           (static_cast<unsigned char>(text[i + 2]) == 0xa8 || static_cast<unsigned char>(text[i + 2]) == 0xa9);
    if (c == '\n') {
      out += "\n# ";
    } else if (nel || separator) {
      out += nel ? "\\u0085" : static_cast<unsigned char>(text[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
      i += nel ? 1 : 2;
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += c == '\r' ? "\\r" : c == '\t' ? "\\t" : hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\n";
}

std::string yaml_double(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v < 0 ? "-.inf" : ".inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace genre::config
