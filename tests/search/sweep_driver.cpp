#include "sweep_driver.h"

#include <cmath>

#include "search/objective_runner.h"

namespace genre::search::test {

namespace {
double number_at(const nlohmann::json& config, const std::string& key, double fallback) {
  const auto* v = find_dotted(config, key);
  return v && v->is_number() ? v->get<double>() : fallback;
}
}  // namespace

bool VirtualSweep::drive(Coordinator& c, int groups, long max_ticks) {
  struct Group {
    std::optional<TrialAssignment> trial;
    int epoch = 0;
    bool quit = false;
  };
  std::vector<Group> g(static_cast<std::size_t>(groups));
  long ticks = 0;
  int alive = groups;
  while (alive > 0) {
    for (int i = 0; i < groups; ++i) {
      if (max_ticks >= 0 && ticks >= max_ticks) return false;
      ++ticks;
      Group& grp = g[static_cast<std::size_t>(i)];
      if (grp.quit) continue;
      if (!grp.trial) {
        grp.trial = c.next(i);
        if (!grp.trial) {
          grp.quit = true;
          --alive;
          continue;
        }
        ++runs[grp.trial->trial];
        grp.epoch = grp.trial->attempt > 1 ? checkpoints[grp.trial->trial] : 0;
        continue;
      }
      const TrialAssignment& a = *grp.trial;
      const int e = ++grp.epoch;
      ++epochs_trained;
      TrialEnd end;
      if (e == static_cast<int>(number_at(a.config, "objective.fail_at_epoch", 0))) {
        end.kind = TrialEnd::Kind::kFailed;
        end.reason = "objective: failing in epoch " + std::to_string(e) + " as configured";
        end.epochs = e - 1;
        c.end(i, a.trial, end);
        grp.trial.reset();
        continue;
      }
      const double v = ObjectiveRunner::value(a.config, e);
      EpochReport r{e, {{"val_track_accuracy", v}, {"train_loss", 0.95 - v}, {"val_loss", 1 - v}}, 1.0};
      checkpoints[a.trial] = e;
      const Verdict verdict = c.epoch(i, a.trial, r);
      const int epochs = static_cast<int>(number_at(a.config, kEpochsKey, 10));
      if (verdict == Verdict::kContinue && e < epochs) continue;
      end.kind = verdict == Verdict::kStop        ? TrialEnd::Kind::kStopped
                 : verdict == Verdict::kInterrupt ? TrialEnd::Kind::kInterrupted
                                                  : TrialEnd::Kind::kFinished;
      end.result.epochs = e;
      double best = 0;
      for (int k = 1; k <= e; ++k) best = std::max(best, ObjectiveRunner::value(a.config, k));
      end.result.final_metrics = {{"test_track_accuracy", 0.98 * best}};
      c.end(i, a.trial, end);
      grp.trial.reset();
    }
  }
  c.close();
  return true;
}

}  // namespace genre::search::test
