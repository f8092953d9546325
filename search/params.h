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
//
// Conditional parameters (issue 14): `when: {model.name: cnn}` (or a list of
// values, `when: {model.name: [cnn, resnet]}`) makes a parameter apply only
// to trials whose named parameter, declared before it, is active and has one
// of those values; several entries must all hold. An inactive parameter is
// left out of the trial's values and config.
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "search/rng.h"

namespace genre::search {

// One entry of a parameter's `when`: `param` must be active and equal one of `values`.
struct Condition {
  std::string param;
  std::vector<nlohmann::json> values;
};

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
  std::vector<Condition> when;            // empty: always active

  // Whether it applies to a trial whose earlier parameters have `params`
  // (those already chosen; inactive ones absent).
  bool active(const nlohmann::json& params) const;
  // The value of this numeric distribution nearest to x, as sample() gives
  // them: an integer for integral ones, a multiple of q (as the decimal a
  // user writes) for q_uniform, clipped to [min, max].
  nlohmann::json snap(double x) const;

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
