#pragma once
// Conversions between YAML (what users write: job specs, best.yaml) and JSON
// (what the search holds in memory and journals). YAML scalars are untyped
// text; they are typed here by YAML 1.2's core schema, so `1e-3` is a number,
// `true` a bool, and a quoted "3" stays a string.
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>

namespace genre::search {

// Throws genre::Error naming `where` for YAML that JSON cannot hold (aliases
// to maps with non-scalar keys and the like).
nlohmann::json yaml_to_json(const YAML::Node& node, const std::string& where);

// Block-style YAML text that yaml_to_json reads back to the same JSON
// (strings that would read as numbers or bools are quoted; doubles keep a
// decimal point or exponent so they stay doubles).
std::string json_to_yaml(const nlohmann::json& value);

// A double as the shortest YAML text that reads back to the same double.
std::string yaml_double(double v);

}  // namespace genre::search
