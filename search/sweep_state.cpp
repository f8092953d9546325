#include "search/sweep_state.h"

#include <algorithm>

#include "common/error.h"
#include "search/events.h"

namespace genre::search {

const char* status_name(TrialStatus s) {
  switch (s) {
    case TrialStatus::kRunning: return "running";
    case TrialStatus::kFinished: return "finished";
    case TrialStatus::kFailed: return "failed";
    case TrialStatus::kPruned: return "pruned";
  }
  return "?";
}

std::string SweepState::metric() const { return sweep.value("metric", std::string("val_track_accuracy")); }
bool SweepState::maximize() const { return sweep.value("goal", std::string("maximize")) != "minimize"; }
std::string SweepState::test_metric() const {
  const std::string m = metric();
  return sweep.value("test_metric", m.rfind("val_", 0) == 0 ? "test_" + m.substr(4) : "test_" + m);
}

SweepState replay(const std::vector<nlohmann::json>& events) {
  SweepState s;
  std::vector<double> attempt_start;  // per trial: when its current attempt began
  std::size_t index = 0;
  for (const auto& e : events) {
    ++index;
    const std::string kind = e.value("event", std::string());
    const double t = e.value("time", 0.0);
    try {
      if (kind == events::kSweepStarted) {
        s.sweep = e;
        s.complete = false;
        ++s.runs;
        continue;
      }
      if (kind == events::kSweepEnded) {
        s.complete = e.value("status", std::string()) == "complete";
        continue;
      }
      if (!e.contains("trial")) continue;  // an event of a later version: ignore
      const int id = e.at("trial").get<int>();
      if (kind == events::kTrialStarted) {
        if (id < 0 || id > static_cast<int>(s.trials.size()))
          throw Error("trial " + std::to_string(id) + " started out of sequence (next new id is " +
                      std::to_string(s.trials.size()) + ")");
        if (id == static_cast<int>(s.trials.size())) {
          TrialRecord r;
          r.id = id;
          r.params = e.at("params");
          r.config = e.at("config");
          r.started_at = t;
          s.trials.push_back(std::move(r));
          attempt_start.push_back(t);
        }
        auto& r = s.trials[static_cast<std::size_t>(id)];
        if (r.terminal()) throw Error("trial " + std::to_string(id) + " restarted after it ended");
        if (r.attempts > 0) {  // a restart: the attempt before it ended without a result
          r.barren_before = r.progressed ? 0 : r.barren_before + 1;
          r.progressed = false;
        }
        r.attempts = e.value("attempt", r.attempts + 1);
        r.group = e.value("group", -1);
        attempt_start[static_cast<std::size_t>(id)] = t;
        continue;
      }
      if (id < 0 || id >= static_cast<int>(s.trials.size()))
        throw Error("event for trial " + std::to_string(id) + ", which was never started");
      auto& r = s.trials[static_cast<std::size_t>(id)];
      // Wall time accrues per attempt up to its latest event.
      const double start = attempt_start[static_cast<std::size_t>(id)];
      if (t > start) {
        r.wall_s += t - start;
        attempt_start[static_cast<std::size_t>(id)] = t;
      }
      if (r.terminal()) continue;  // late reports of an ended trial change nothing
      if (kind == events::kEpoch) {
        const int epoch = e.at("epoch").get<int>();
        if (epoch > r.last_epoch()) r.progressed = true;
        r.epochs[epoch] = e.value("metrics", nlohmann::json::object());
      } else if (kind == events::kTrialFinished) {
        r.status = TrialStatus::kFinished;
        r.final_metrics = e.value("final", nlohmann::json::object());
        r.confusion = e.value("confusion", nlohmann::json());
      } else if (kind == events::kTrialFailed) {
        r.status = TrialStatus::kFailed;
        r.reason = e.value("reason", std::string());
      } else if (kind == events::kTrialLost) {
        r.progressed = false;  // whatever the attempt did, its result is lost: it counts towards the bound
      } else if (kind == events::kTrialPruned) {
        r.status = TrialStatus::kPruned;
        r.pruned_epoch = e.value("epoch", r.last_epoch());
      }
    } catch (const nlohmann::json::exception& x) {
      throw Error("journal event " + std::to_string(index) + " (" + kind + "): " + x.what());
    } catch (const Error&) {
      rethrow_with_context("journal event " + std::to_string(index) + " (" + kind + ")");
    }
  }
  return s;
}

}  // namespace genre::search
