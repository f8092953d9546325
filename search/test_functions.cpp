#include "search/test_functions.h"

#include <cmath>

#include "common/error.h"
#include "search/rng.h"

namespace genre::search {

namespace {

constexpr double kPi = 3.14159265358979323846;

double coordinate(const nlohmann::json& o, const std::string& key, double lo, double hi) {
  const auto it = o.find(key);
  if (it == o.end() || !it->is_number())
    throw UsageError("objective." + key + ": the test function needs a number here");
  const double v = it->get<double>();
  if (v < lo - 1e-12 || v > hi + 1e-12)
    throw UsageError("objective." + key + ": must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

double branin(double x1, double x2) {
  const double b = 5.1 / (4 * kPi * kPi), c = 5 / kPi, t = 1 / (8 * kPi);
  const double u = x2 - b * x1 * x1 + c * x1 - 6;
  return u * u + 10 * (1 - t) * std::cos(x1) + 10;
}

double hartmann6(const double* x) {
  static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
  static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                 {0.05, 10, 17, 0.1, 8, 14},
                                 {3, 3.5, 1.7, 10, 17, 8},
                                 {17, 8, 0.05, 10, 0.1, 14}};
  static const double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                 {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                 {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                 {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0;
    for (int j = 0; j < 6; ++j) inner += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]);
    sum += alpha[i] * std::exp(-inner);
  }
  return -sum;
}

constexpr double kBraninMin = 0.39788735772973816;

}  // namespace

double test_function(const std::string& name, const nlohmann::json& o) {
  if (name == "branin") return branin(coordinate(o, "x1", -5, 10), coordinate(o, "x2", 0, 15));
  if (name == "hartmann6") {
    double x[6];
    for (int j = 0; j < 6; ++j) x[j] = coordinate(o, "x" + std::to_string(j + 1), 0, 1);
    return hartmann6(x);
  }
  if (name == "mixed") {
    const std::string kind = o.value("kind", std::string()), act = o.value("act", std::string("relu"));
    double f;
    if (kind == "branin")
      f = branin(coordinate(o, "x1", -5, 10), coordinate(o, "x2", 0, 15)) - kBraninMin;
    else if (kind == "sphere")
      f = 0.5 + std::pow(coordinate(o, "z", -5, 5) - 1, 2) / 5 + 0.1 * std::fabs(coordinate(o, "n", 1, 8) - 3);
    else if (kind == "flat")
      f = 2;
    else
      throw UsageError("objective.kind: must be branin, sphere or flat (got '" + kind + "')");
    if (act == "tanh") f += 0.3;
    else if (act == "sigmoid") f += 0.6;
    else if (act != "relu") throw UsageError("objective.act: must be relu, tanh or sigmoid (got '" + act + "')");
    return f;
  }
  throw UsageError("objective.function: unknown test function '" + name + "' (branin, hartmann6, mixed)");
}

double test_function_minimum(const std::string& name) {
  if (name == "branin") return kBraninMin;
  if (name == "hartmann6") return -3.32236801141551;
  if (name == "mixed") return 0;
  throw UsageError("objective.function: unknown test function '" + name + "' (branin, hartmann6, mixed)");
}

double test_function_noise(const nlohmann::json& o) {
  const auto it = o.find("noise");
  if (it == o.end()) return 0;
  if (!it->is_number() || it->get<double>() < 0) throw UsageError("objective.noise: must be a number >= 0");
  // FNV-1a of the coordinates' text seeds the draw: same config, same noise.
  nlohmann::json coords = o;
  coords.erase("noise");
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char ch : coords.dump()) h = (h ^ ch) * 1099511628211ULL;
  Rng rng(h, 0);
  const double u1 = 1 - rng.uniform01(), u2 = rng.uniform01();  // Box-Muller, u1 in (0, 1]
  return it->get<double>() * std::sqrt(-2 * std::log(u1)) * std::cos(2 * kPi * u2);
}

}  // namespace genre::search
