#pragma once
// A deterministic stand-in for the trainer, for tests and benchmarks of the
// search itself: each trial's metrics are a fixed function of its config, so
// a run's leaderboard is known in advance and independent of timing. It runs
// on a group like the trainer (its ranks agree every epoch over the group's
// communicator), checkpoints after every epoch, resumes, and honours stop and
// interrupt verdicts and the stop signal.
//
// The function, of the config keys (all optional):
//   train.epochs             epochs to run (default 10)
//   objective.quality        q in [0, 1], the plateau of val_track_accuracy (default 0.5)
//   objective.rate           r in (0, 1]: val_track_accuracy after epoch e is q * (1 - (1 - r)^e) (default 0.5)
//   objective.epoch_s        seconds each epoch takes (default 0): the "training time"
//   objective.fail_at_epoch  throw during this epoch (a failing trial)
//   objective.nan_at_epoch   report a NaN train_loss at this epoch
//   objective.oom_at_epoch   run out of memory (std::bad_alloc) during this epoch
//   objective.function       a test function of test_functions.h (branin, hartmann6, mixed),
//                            its coordinates objective.x1, ... and objective.noise: then
//                            val_loss after epoch e is f + noise + (1 - r)^e - (1 - r)^epochs
//                            (f itself at the last epoch) and v = 1 - val_loss
// Reported per epoch: val_track_accuracy v, val_accuracy 0.95 v, val_macro_f1
// 0.9 v, val_loss 1 - v, train_track_accuracy min(1, v + 0.05), train_loss
// 0.95 - v. At the end: the test_* counterparts of the best epoch (0.98 of the
// val values) and a 3-class confusion matrix made from q.
#include <functional>

#include "search/trial_runner.h"

namespace genre::search {

class ObjectiveRunner : public TrialRunner {
 public:
  // stop_requested: the process's stop signal (SIGTERM), polled while "training".
  explicit ObjectiveRunner(std::function<bool()> stop_requested);
  void validate(const nlohmann::json& config, const MetricSpec& metric) const override;
  TrialResult run(const TrialAssignment& trial, const dist::Comm& group, const EpochCallback& on_epoch) override;

  // The val_track_accuracy of `config` after `epoch` epochs.
  static double value(const nlohmann::json& config, int epoch);
  // With objective.function: the val_loss of `config` after `epoch` epochs.
  static double loss(const nlohmann::json& config, int epoch);

 private:
  std::function<bool()> stop_requested_;
};

}  // namespace genre::search
