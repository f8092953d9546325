#pragma once
// The one converter between YAML (what users write: training configs, sweep
// specs, best.yaml) and JSON (what the search holds in memory and journals),
// and the one YAML emitter: every YAML file genre writes is emitted here,
// never pieced together from strings (a sweep name holding a newline once
// wrote keys into best.yaml). YAML scalars are untyped text; they are typed
// here by YAML 1.2's core schema, so `1e-3` is a number, `true` a bool, and a
// quoted "3" stays a string.
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>

namespace genre::config {

// Throws genre::Error naming `where` for YAML that JSON cannot hold (a map
// with non-scalar keys and the like). Read the node with read_yaml first.
nlohmann::json yaml_to_json(const YAML::Node& node, const std::string& where);

// Block-style YAML text that yaml_to_json reads back to the same JSON
// (strings that would read as numbers or bools are quoted; doubles keep a
// decimal point or exponent so they stay doubles). An ordered_json keeps its
// keys in their order (the training config's sections as declared).
std::string json_to_yaml(const nlohmann::json& value);
std::string json_to_yaml(const nlohmann::ordered_json& value);

// `text` as YAML comment lines ("# ...\n" each): a newline in it starts a
// new comment line, and every other character YAML could take for a line
// break or that a terminal would act on (\r, NEL, U+2028/9, other control
// characters) is written escaped, so no text can end the comment.
std::string yaml_comment(const std::string& text);

// A double as the shortest YAML text that reads back to the same double.
std::string yaml_double(double v);

}  // namespace genre::config
