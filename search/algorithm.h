#pragma once
// The search algorithm seam (DESIGN.md): what to try next, what was observed,
// whether a running trial should stop. Grid and random propose configs; ASHA
// wraps either and decides early stopping. The coordinator numbers trials in
// the order next_config() proposes them.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "search/spec.h"

namespace genre::search {

class SearchAlgorithm {
 public:
  virtual ~SearchAlgorithm() = default;
  // The parameter values ({"optimizer.lr": 0.001, ...}) of the next trial, or
  // nullopt when the sweep starts no more trials. A resumed sweep calls it
  // once per journaled trial and gets the same values in the same order.
  virtual std::optional<nlohmann::json> next_config() = 0;
  // `trial` ended `epoch` with this score (higher is better: MetricSpec::score).
  virtual void report(int trial, int epoch, double score) = 0;
  // Whether `trial` should stop after `epoch`, given what has been reported.
  virtual bool should_stop(int trial, int epoch) const = 0;
};

// grid or random per spec.method, wrapped in ASHA when spec.asha is set.
std::unique_ptr<SearchAlgorithm> make_algorithm(const SweepSpec& spec);

}  // namespace genre::search
