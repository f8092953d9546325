#pragma once
// The swept parameters of a sweep spec, in the W&B-sweeps vocabulary:
//   name: {value: X}                                  a constant
//   name: {values: [a, b, c], probabilities: [...]}   a choice (probabilities optional)
//   name: {distribution: uniform | log_uniform_values | int_uniform | q_uniform,
//          min: A, max: B, q: Q}
// `distribution` may be left out when min/max are given: int_uniform for two
// integers, uniform otherwise (as W&B infers it). A parameter's name is a
// dotted path into the training config ("optimizer.lr"); W&B's nested form
// (name: {parameters: {...}}) is flattened to dotted names.
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "search/rng.h"

namespace genre::search {

enum class Distribution { kConstant, kCategorical, kUniform, kLogUniformValues, kIntUniform, kQUniform };

const char* distribution_name(Distribution d);

struct ParamSpec {
  std::string name;                       // dotted path into the training config
  Distribution distribution = Distribution::kConstant;
  std::vector<nlohmann::json> values;     // kConstant: one; kCategorical: the choices
  std::vector<double> probabilities;      // kCategorical: empty means uniform
  double min = 0, max = 0;                // the numeric distributions (inclusive for int_uniform)
  double q = 1;                           // kQUniform: the step
  bool integral = false;                  // draws are integers (int_uniform; q_uniform on an integer grid)

  bool continuous() const {
    return distribution == Distribution::kUniform || distribution == Distribution::kLogUniformValues;
  }
  // Draws one value (consumes the same number of raw draws on every platform
  // for a given spec, so later parameters see the same stream).
  nlohmann::json sample(Rng& rng) const;
  // Every value a grid visits, in order. Throws UsageError naming the
  // parameter for continuous distributions, which a grid cannot enumerate.
  std::vector<nlohmann::json> grid_values() const;
};

// Parses the `parameters` mapping in file order. `where` names it in errors
// ("parameters"); every error is a UsageError naming the full key.
std::vector<ParamSpec> parse_parameters(const YAML::Node& node, const std::string& where);

}  // namespace genre::search
