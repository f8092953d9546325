#pragma once
// Small helpers over the metric objects the journal, the protocol, the
// leaderboard and the report share.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace genre::search {

// metrics[name] when it is a finite number; nullopt when absent, not a
// number, or NaN/infinite.
std::optional<double> finite_metric(const nlohmann::json& metrics, const std::string& name);

// JSON has no NaN: non-finite numbers (at any depth) become null, which
// readers take back as NaN.
nlohmann::json nan_to_null(const nlohmann::json& v);

// "0.8125" with `digits` decimals; "" for nullopt.
std::string fixed(const std::optional<double>& v, int digits);

}  // namespace genre::search
