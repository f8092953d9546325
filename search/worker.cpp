#include "search/worker.h"

#include <cmath>
#include <new>

#include "common/error.h"
#include "dist/peer_wait.h"

namespace genre::search {

namespace {

constexpr std::size_t kMaxReason = 600;

bool finite(const nlohmann::json& v) { return v.is_number() && std::isfinite(v.get<double>()); }

// Every rank sees the same metrics, so every rank throws alike.
void check_epoch(const EpochReport& r, const MetricSpec& metric) {
  const std::string at = " at epoch " + std::to_string(r.epoch);
  for (const auto& [name, v] : r.metrics.items()) {
    const bool is_loss = name.size() >= 4 && name.compare(name.size() - 4, 4, "loss") == 0;
    if (is_loss && !finite(v)) throw Error(name + " is " + (v.is_null() ? "missing" : "NaN or infinite") + at);
  }
  const auto it = r.metrics.find(metric.name);
  if (it == r.metrics.end()) throw Error("the trainer reported no " + metric.name + at);
  if (!finite(*it)) throw Error(metric.name + " is NaN" + at);
}

}  // namespace

TrialEnd train_trial(TrialRunner& runner, const TrialAssignment& trial, const dist::Comm& group,
                     const EpochCallback& ask) {
  TrialEnd end;
  int epochs = 0;
  try {
    const EpochCallback checked = [&](const EpochReport& r) {
      check_epoch(r, trial.metric);
      epochs = r.epoch;
      return ask(r);
    };
    end.result = runner.run(trial, group, checked);
    switch (end.result.status) {
      case TrialResult::Status::kFinished: end.kind = TrialEnd::Kind::kFinished; break;
      case TrialResult::Status::kStopped: end.kind = TrialEnd::Kind::kStopped; break;
      case TrialResult::Status::kInterrupted: end.kind = TrialEnd::Kind::kInterrupted; break;
    }
    return end;
  } catch (const dist::PeerTimeout& e) {
    // Not the trial's fault: a rank of the group fell silent.
    end.kind = TrialEnd::Kind::kGroupLost;
    end.reason = describe(e);
    end.epochs = epochs;
    return end;
  } catch (const std::bad_alloc&) {
    end.reason = "out of memory (std::bad_alloc)";
  } catch (const std::exception& e) {
    // The machine's failure (a full disk under the trial's folder) is not the
    // trial's: it stops the sweep, and the trial stays resumable.
    if (kind_of(e) == ErrorKind::kEnvironment) rethrow_with_context("trial " + std::to_string(trial.trial));
    end.reason = describe(e);
  } catch (...) {
    end.reason = "unknown error";
  }
  if (end.reason.size() > kMaxReason) end.reason = end.reason.substr(0, kMaxReason) + "...";
  end.kind = TrialEnd::Kind::kFailed;
  end.epochs = epochs;
  return end;
}

}  // namespace genre::search
