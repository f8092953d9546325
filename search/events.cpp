#include "search/events.h"
#include "search/json_values.h"

#include <chrono>
#include <cmath>

namespace genre::search::events {

namespace {
nlohmann::json base(const char* name) {
  // Milliseconds are plenty and keep the lines short.
  return {{"event", name}, {"time", std::round(now_s() * 1000.0) / 1000.0}};
}
}  // namespace

double now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json sweep_started(const SweepSpec& spec, int trials, int groups, bool resumed) {
  auto e = base(kSweepStarted);
  e["name"] = spec.name;
  e["method"] = method_name(spec.method);
  e["metric"] = spec.metric.name;
  e["goal"] = goal_name(spec.metric.goal);
  e["test_metric"] = spec.metric.test_name();
  auto names = nlohmann::json::array();
  for (const auto& p : spec.parameters) names.push_back(p.name);
  e["parameters"] = names;
  e["seed"] = spec.seed;
  e["trials"] = trials;
  e["groups"] = groups;
  e["ranks_per_trial"] = spec.ranks_per_trial;
  if (spec.asha)
    e["asha"] = {{"min_epochs", spec.asha->min_epochs}, {"eta", spec.asha->eta}, {"max_epochs", spec.asha->max_epochs}};
  if (spec.hyperband)
    e["hyperband"] = {{"min_epochs", spec.hyperband->min_epochs}, {"eta", spec.hyperband->eta},
                      {"max_epochs", spec.hyperband->max_epochs}};
  if (spec.median) e["median"] = true;
  e["resumed"] = resumed;
  return e;
}

nlohmann::json trial_started(int trial, int attempt, int group, const nlohmann::json& params,
                             const nlohmann::json& config, long long basis) {
  auto e = base(kTrialStarted);
  e["trial"] = trial;
  e["attempt"] = attempt;
  e["group"] = group;
  e["params"] = params;
  e["config"] = config;
  if (basis >= 0) e["basis"] = basis;
  return e;
}

nlohmann::json epoch(int trial, const EpochReport& report) {
  auto e = base(kEpoch);
  e["trial"] = trial;
  e["epoch"] = report.epoch;
  e["metrics"] = nan_to_null(report.metrics);
  e["seconds"] = report.seconds;
  return e;
}

nlohmann::json trial_finished(int trial, const TrialResult& result) {
  auto e = base(kTrialFinished);
  e["trial"] = trial;
  e["epochs"] = result.epochs;
  e["final"] = nan_to_null(result.final_metrics.is_null() ? nlohmann::json::object() : result.final_metrics);
  e["confusion"] = result.confusion;
  return e;
}

nlohmann::json trial_failed(int trial, const std::string& reason, int epochs) {
  auto e = base(kTrialFailed);
  e["trial"] = trial;
  e["reason"] = reason;
  e["epochs"] = epochs;
  return e;
}

nlohmann::json trial_lost(int trial, int group, const std::string& reason) {
  auto e = base(kTrialLost);
  e["trial"] = trial;
  e["group"] = group;
  e["reason"] = reason;
  return e;
}

nlohmann::json trial_pruned(int trial, int epoch, double value) {
  auto e = base(kTrialPruned);
  e["trial"] = trial;
  e["epoch"] = epoch;
  e["value"] = nan_to_null(value);
  return e;
}

nlohmann::json sweep_ended(bool complete) {
  auto e = base(kSweepEnded);
  e["status"] = complete ? "complete" : "interrupted";
  return e;
}

}  // namespace genre::search::events
