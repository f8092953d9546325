#include "search/json_values.h"

#include <cmath>
#include <cstdio>

namespace genre::search {

std::optional<double> finite_metric(const nlohmann::json& metrics, const std::string& name) {
  if (!metrics.is_object()) return std::nullopt;
  const auto it = metrics.find(name);
  if (it == metrics.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

nlohmann::json nan_to_null(const nlohmann::json& v) {
  if (v.is_number_float() && !std::isfinite(v.get<double>())) return nullptr;
  if (v.is_structured()) {
    nlohmann::json out = v;
    for (auto& x : out) x = nan_to_null(x);
    return out;
  }
  return v;
}

std::string fixed(const std::optional<double>& v, int digits) {
  if (!v) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, *v);
  return buf;
}

}  // namespace genre::search
