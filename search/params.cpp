#include "search/params.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "common/error.h"
#include "config/yaml_json.h"

namespace genre::search {

using config::yaml_to_json;

namespace {

constexpr std::size_t kMaxGridPoints = 100000;

[[noreturn]] void bad(const std::string& key, const std::string& problem) { throw UsageError(key + ": " + problem); }

double number(const YAML::Node& n, const std::string& key) {
  const auto v = yaml_to_json(n, key);
  if (!v.is_number()) bad(key, "must be a number (got '" + (n.IsScalar() ? n.Scalar() : std::string("a ") + (n.IsMap() ? "map" : "list")) + "')");
  const double d = v.get<double>();
  if (!std::isfinite(d)) bad(key, "must be finite");
  return d;
}

bool is_integer(double v) { return std::floor(v) == v && std::fabs(v) < 9.0e15; }

Distribution parse_distribution(const std::string& s, const std::string& key) {
  if (s == "constant") return Distribution::kConstant;
  if (s == "categorical") return Distribution::kCategorical;
  if (s == "uniform") return Distribution::kUniform;
  if (s == "log_uniform_values") return Distribution::kLogUniformValues;
  if (s == "int_uniform") return Distribution::kIntUniform;
  if (s == "q_uniform") return Distribution::kQUniform;
  bad(key, "unknown distribution '" + s +
               "' (supported: uniform, log_uniform_values, int_uniform, q_uniform; or give value / values)");
}

// when: {other.param: value | [values]}; whether the names exist is the
// spec's check (SweepSpec::validate_adaptive), which sees every parameter.
std::vector<Condition> parse_when(const YAML::Node& node, const std::string& key) {
  if (!node.IsMap() || node.size() == 0)
    bad(key, "must be a mapping from an earlier parameter to the value (or list of values) it must have");
  std::vector<Condition> out;
  for (const auto& kv : node) {
    Condition c;
    c.param = kv.first.Scalar();
    const std::string at = key + "." + c.param;
    if (kv.second.IsSequence()) {
      if (kv.second.size() == 0) bad(at, "must list at least one value");
      for (std::size_t i = 0; i < kv.second.size(); ++i)
        c.values.push_back(yaml_to_json(kv.second[i], at + "[" + std::to_string(i) + "]"));
    } else if (kv.second.IsScalar()) {
      c.values.push_back(yaml_to_json(kv.second, at));
    } else {
      bad(at, "must be a value or a list of values");
    }
    out.push_back(std::move(c));
  }
  return out;
}

ParamSpec parse_one(const std::string& name, const YAML::Node& node, const std::string& key) {
  static const std::set<std::string> kKeys = {"value", "values", "probabilities", "distribution", "min", "max", "q", "when"};
  for (const auto& kv : node) {
    const std::string k = kv.first.Scalar();
    if (!kKeys.count(k))
      bad(key + "." + k, "unknown key (a parameter takes value, values, probabilities, distribution, min, max, q, "
                         "when, or parameters for nesting)");
  }
  ParamSpec p;
  p.name = name;
  if (node["when"]) p.when = parse_when(node["when"], key + ".when");
  const bool has_value = static_cast<bool>(node["value"]), has_values = static_cast<bool>(node["values"]);
  const bool has_range = node["min"] || node["max"];
  std::string dist;
  if (node["distribution"]) {
    if (!node["distribution"].IsScalar()) bad(key + ".distribution", "must be a name");
    dist = node["distribution"].Scalar();
  }

  if (has_value + has_values + (has_range || (!dist.empty() && dist != "constant" && dist != "categorical")) > 1)
    bad(key, "give exactly one of value, values, or a distribution with min/max");
  if (has_value) {
    if (!dist.empty() && dist != "constant") bad(key + ".distribution", "'" + dist + "' does not go with value");
    p.distribution = Distribution::kConstant;
    p.values.push_back(yaml_to_json(node["value"], key + ".value"));
    return p;
  }
  if (has_values) {
    if (!dist.empty() && dist != "categorical") bad(key + ".distribution", "'" + dist + "' does not go with values");
    const auto& vs = node["values"];
    if (!vs.IsSequence() || vs.size() == 0) bad(key + ".values", "must be a non-empty list");
    p.distribution = Distribution::kCategorical;
    for (std::size_t i = 0; i < vs.size(); ++i)
      p.values.push_back(yaml_to_json(vs[i], key + ".values[" + std::to_string(i) + "]"));
    if (const auto& pr = node["probabilities"]) {
      if (!pr.IsSequence() || pr.size() != vs.size())
        bad(key + ".probabilities", "must be a list as long as values (" + std::to_string(vs.size()) + ")");
      double sum = 0;
      for (std::size_t i = 0; i < pr.size(); ++i) {
        const double v = number(pr[i], key + ".probabilities[" + std::to_string(i) + "]");
        if (v < 0) bad(key + ".probabilities[" + std::to_string(i) + "]", "must not be negative");
        p.probabilities.push_back(v);
        sum += v;
      }
      if (std::fabs(sum - 1.0) > 1e-6) bad(key + ".probabilities", "must sum to 1 (they sum to " + std::to_string(sum) + ")");
    }
    return p;
  }
  if (node["probabilities"]) bad(key + ".probabilities", "goes only with values");
  if (!node["min"] || !node["max"]) {
    if (dist.empty()) bad(key, "give value, values, or min and max (with an optional distribution)");
    bad(key + (node["min"] ? ".max" : ".min"), "is required by distribution " + dist);
  }
  p.min = number(node["min"], key + ".min");
  p.max = number(node["max"], key + ".max");
  if (dist.empty()) dist = is_integer(p.min) && is_integer(p.max) && !node["q"] ? "int_uniform" : "uniform";
  p.distribution = parse_distribution(dist, key + ".distribution");
  if (p.distribution == Distribution::kConstant || p.distribution == Distribution::kCategorical)
    bad(key + ".distribution", "'" + dist + "' needs " + (dist == "constant" ? "value" : "values") + ", not min/max");
  if (node["q"] && p.distribution != Distribution::kQUniform) bad(key + ".q", "goes only with distribution q_uniform");
  if (node["q"]) p.q = number(node["q"], key + ".q");
  if (p.distribution == Distribution::kIntUniform) {
    if (!is_integer(p.min)) bad(key + ".min", "must be an integer for int_uniform");
    if (!is_integer(p.max)) bad(key + ".max", "must be an integer for int_uniform");
    if (p.min > p.max) bad(key + ".min", "must not exceed max");
    p.integral = true;
  } else if (p.min >= p.max) {
    bad(key + ".min", "must be below max (" + std::to_string(p.min) + " >= " + std::to_string(p.max) + ")");
  }
  if (p.distribution == Distribution::kLogUniformValues && p.min <= 0)
    bad(key + ".min", "must be positive for log_uniform_values");
  if (p.distribution == Distribution::kQUniform) {
    if (p.q <= 0) bad(key + ".q", "must be positive");
    p.integral = is_integer(p.q) && is_integer(p.min) && is_integer(p.max);
  }
  return p;
}

void parse_into(const YAML::Node& node, const std::string& prefix, const std::string& where,
                std::vector<ParamSpec>& out) {
  if (!node.IsMap()) bad(where, "must be a mapping of parameter name to {value | values | distribution, min, max}");
  for (const auto& kv : node) {
    const std::string name = prefix + kv.first.Scalar();
    const std::string key = where + "." + kv.first.Scalar();
    if (!kv.second.IsMap()) bad(key, "must be a mapping like {values: [...]} or {min: 1, max: 9}");
    if (kv.second["parameters"]) {
      if (kv.second.size() != 1) bad(key, "a parameter with nested parameters takes nothing else");
      parse_into(kv.second["parameters"], name + ".", key + ".parameters", out);
      continue;
    }
    for (const auto& p : out)
      if (p.name == name) bad(key, "is given twice");
    out.push_back(parse_one(name, kv.second, key));
  }
}

double decimal_rounded(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.12g", v);
  return std::strtod(text, nullptr);
}

nlohmann::json as_number(double v, bool integral) {
  if (integral) return static_cast<std::int64_t>(std::llround(v));
  return v;
}

}  // namespace

const char* distribution_name(Distribution d) {
  switch (d) {
    case Distribution::kConstant: return "constant";
    case Distribution::kCategorical: return "categorical";
    case Distribution::kUniform: return "uniform";
    case Distribution::kLogUniformValues: return "log_uniform_values";
    case Distribution::kIntUniform: return "int_uniform";
    case Distribution::kQUniform: return "q_uniform";
  }
  return "?";
}

bool ParamSpec::active(const nlohmann::json& params) const {
  for (const auto& c : when) {
    const auto it = params.find(c.param);
    if (it == params.end()) return false;
    if (std::find(c.values.begin(), c.values.end(), *it) == c.values.end()) return false;
  }
  return true;
}

nlohmann::json ParamSpec::snap(double x) const {
  switch (distribution) {
    case Distribution::kUniform:
    case Distribution::kLogUniformValues:
      return std::min(max, std::max(min, x));
    case Distribution::kIntUniform:
      return static_cast<std::int64_t>(std::min(max, std::max(min, std::round(x))));
    case Distribution::kQUniform: {
      // The multiples of q inside [min, max], as sample() rounds them.
      const double first = std::ceil(min / q - 1e-9), last = std::floor(max / q + 1e-9);
      const double k = std::min(last, std::max(first, std::round(x / q)));
      return as_number(decimal_rounded(k * q), integral);
    }
    case Distribution::kConstant:
    case Distribution::kCategorical:
      break;
  }
  throw Error("parameters." + name + ": " + distribution_name(distribution) + " has no numeric values to snap to");
}

std::vector<ParamSpec> parse_parameters(const YAML::Node& node, const std::string& where) {
  std::vector<ParamSpec> out;
  parse_into(node, "", where, out);
  return out;
}

nlohmann::json ParamSpec::sample(Rng& rng) const {
  switch (distribution) {
    case Distribution::kConstant:
      return values.front();
    case Distribution::kCategorical: {
      if (probabilities.empty())
        return values[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(values.size()) - 1))];
      const double u = rng.uniform01();
      double acc = 0;
      for (std::size_t i = 0; i < values.size(); ++i) {
        acc += probabilities[i];
        if (u < acc) return values[i];
      }
      return values.back();  // rounding left u above the last partial sum
    }
    case Distribution::kUniform:
      return rng.uniform(min, max);
    case Distribution::kLogUniformValues:
      return std::exp(rng.uniform(std::log(min), std::log(max)));
    case Distribution::kIntUniform:
      return rng.uniform_int(static_cast<std::int64_t>(min), static_cast<std::int64_t>(max));
    case Distribution::kQUniform:
      // W&B's definition: round(U(min, max) / q) * q, then the nearest double
      // of its 12-digit decimal (0.3, not 3 * 0.1 = 0.30000000000000004), as
      // the user would write it in a config.
      return as_number(decimal_rounded(std::round(rng.uniform(min, max) / q) * q), integral);
  }
  return nullptr;
}

std::vector<nlohmann::json> ParamSpec::grid_values() const {
  std::vector<nlohmann::json> out;
  switch (distribution) {
    case Distribution::kConstant:
    case Distribution::kCategorical:
      return values;
    case Distribution::kUniform:
    case Distribution::kLogUniformValues:
      throw UsageError("parameters." + name + ": method grid cannot enumerate the continuous distribution " +
                       distribution_name(distribution) + "; give values, or use method random");
    case Distribution::kIntUniform:
    case Distribution::kQUniform: {
      const double step = distribution == Distribution::kIntUniform ? 1.0 : q;
      const double first = std::ceil(min / step - 1e-9), last = std::floor(max / step + 1e-9);
      if (last - first + 1 > kMaxGridPoints)
        throw UsageError("parameters." + name + ": a grid over " + std::to_string(last - first + 1) +
                         " values is too large");
      for (double k = first; k <= last; k += 1) out.push_back(as_number(decimal_rounded(k * step), integral));
      return out;
    }
  }
  return out;
}

}  // namespace genre::search
