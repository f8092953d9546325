#pragma once
// The journal's events (DESIGN.md): one builder per event so that every
// writer spells them alike. Each carries "event" and "time" (Unix seconds).
//   sweep_started   spec summary: name, method, metric, goal, parameters, seed, groups, resumed
//   trial_started   trial, attempt, group, params, config; a new trial also
//                   basis: how many journal events its proposal was computed after
//   epoch           trial, epoch, metrics, seconds
//   trial_finished  trial, epochs, final (test metrics), confusion
//   trial_failed    trial, reason, epochs
//   trial_pruned    trial, epoch (the rung), value (its metric there)
//   trial_lost      trial, group, reason: a rank of its group fell silent; the
//                   attempt's result is lost, the trial restarts elsewhere
//   sweep_ended     status: complete | interrupted
#include <nlohmann/json.hpp>
#include <string>

#include "search/spec.h"
#include "search/trial_runner.h"

namespace genre::search::events {

inline constexpr const char* kSweepStarted = "sweep_started";
inline constexpr const char* kTrialStarted = "trial_started";
inline constexpr const char* kEpoch = "epoch";
inline constexpr const char* kTrialFinished = "trial_finished";
inline constexpr const char* kTrialFailed = "trial_failed";
inline constexpr const char* kTrialPruned = "trial_pruned";
inline constexpr const char* kTrialLost = "trial_lost";
inline constexpr const char* kSweepEnded = "sweep_ended";

double now_s();

nlohmann::json sweep_started(const SweepSpec& spec, int trials, int groups, bool resumed);
// basis < 0: none (a restart, whose config was proposed before).
nlohmann::json trial_started(int trial, int attempt, int group, const nlohmann::json& params,
                             const nlohmann::json& config, long long basis = -1);
nlohmann::json epoch(int trial, const EpochReport& report);
nlohmann::json trial_finished(int trial, const TrialResult& result);
nlohmann::json trial_failed(int trial, const std::string& reason, int epochs);
nlohmann::json trial_pruned(int trial, int epoch, double value);
nlohmann::json trial_lost(int trial, int group, const std::string& reason);
nlohmann::json sweep_ended(bool complete);

}  // namespace genre::search::events
