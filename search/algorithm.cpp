#include "search/algorithm.h"

#include <cmath>

#include "search/asha.h"
#include "search/events.h"
#include "search/grid_search.h"
#include "search/hyperband.h"
#include "search/json_values.h"
#include "search/median_stopping.h"
#include "search/random_search.h"
#include "search/tpe.h"

namespace genre::search {

std::optional<TrialEvent> trial_event(const nlohmann::json& e, const MetricSpec& metric) {
  const std::string kind = e.value("event", std::string());
  if (!e.contains("trial")) return std::nullopt;
  TrialEvent t;
  t.trial = e.at("trial").get<int>();
  if (kind == events::kTrialStarted) {
    t.kind = TrialEvent::Kind::kStarted;
    t.params = e.value("params", nlohmann::json::object());
  } else if (kind == events::kEpoch) {
    t.kind = TrialEvent::Kind::kEpoch;
    t.epoch = e.at("epoch").get<int>();
    const auto v = finite_metric(e.value("metrics", nlohmann::json::object()), metric.name);
    t.score = v ? metric.score(*v) : std::nan("");
  } else if (kind == events::kTrialFinished) {
    t.kind = TrialEvent::Kind::kFinished;
  } else if (kind == events::kTrialFailed) {
    t.kind = TrialEvent::Kind::kFailed;
  } else if (kind == events::kTrialPruned) {
    t.kind = TrialEvent::Kind::kPruned;
    t.epoch = e.value("epoch", 0);
  } else {
    return std::nullopt;
  }
  return t;
}

std::optional<nlohmann::json> SearchAlgorithm::next_config() { return propose(next_trial_++)(); }

void SearchAlgorithm::report(int trial, int epoch, double score) {
  TrialEvent e;
  e.kind = TrialEvent::Kind::kEpoch;
  e.trial = trial;
  e.epoch = epoch;
  e.score = score;
  observe(e);
}

std::unique_ptr<SearchAlgorithm> make_algorithm(const SweepSpec& spec) {
  std::unique_ptr<SearchAlgorithm> a;
  switch (spec.method) {
    case Method::kGrid: a = std::make_unique<GridSearch>(spec); break;
    case Method::kRandom: a = std::make_unique<RandomSearch>(spec); break;
    case Method::kTpe: a = std::make_unique<Tpe>(spec); break;
  }
  if (spec.asha) a = std::make_unique<Asha>(std::move(a), *spec.asha);
  if (spec.hyperband) a = std::make_unique<Hyperband>(std::move(a), *spec.hyperband);
  if (spec.median) a = std::make_unique<MedianStopping>(std::move(a), *spec.median);
  return a;
}

}  // namespace genre::search
