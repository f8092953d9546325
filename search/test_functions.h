#pragma once
// Standard test functions for judging search algorithms (tests, benchmarks,
// the objective runner's `objective.function`), minimised, with their known
// optima. Coordinates are read from a trial config's `objective` mapping:
//   branin     x1 in [-5, 10], x2 in [0, 15]; minimum 0.397887 (three minimisers)
//   hartmann6  x1..x6 in [0, 1]; minimum -3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573)
//   mixed      categorical and conditional: kind in {branin, sphere, flat};
//              kind branin uses x1, x2 (Branin minus its minimum); kind sphere
//              uses z in [-5, 5] and the integer n in [1, 8]:
//              0.5 + (z - 1)^2 / 5 + 0.1 |n - 3|; kind flat is 2; act in
//              {relu, tanh, sigmoid} adds 0, 0.3, 0.6. Minimum 0 (branin, relu).
// `objective.noise: s` adds Gaussian noise of standard deviation s, a fixed
// function of the coordinates (the same config always gets the same noise).
#include <nlohmann/json.hpp>
#include <string>

namespace genre::search {

// The function's value at the coordinates in `objective` (noise excluded).
// Throws UsageError naming the key for an unknown function or a missing,
// non-numeric or out-of-range coordinate.
double test_function(const std::string& name, const nlohmann::json& objective);
// Its global minimum.
double test_function_minimum(const std::string& name);
// The noise term for `objective` (0 without objective.noise).
double test_function_noise(const nlohmann::json& objective);

}  // namespace genre::search
