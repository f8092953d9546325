#pragma once
// The settings of `early_terminate: {type: median, ...}`, named as Optuna's
// MedianPruner names them (epochs for its steps). Hyperband takes asha's
// three keys (AshaSpec in spec.h); hyperband.h and median_stopping.h say what
// the rules do.
namespace genre::search {

struct MedianOptions {
  int n_startup_trials = 5;  // >= 0: nothing is pruned before this many trials have finished
  int n_warmup_epochs = 0;   // >= 0: nor at an epoch below this
  int interval_epochs = 1;   // >= 1: judged every this many epochs after the warm-up
  int min_trials = 1;        // >= 1: an epoch's median needs this many finished trials that reported it

  // Throws UsageError "early_terminate.<key>: ..." for a value out of range.
  void validate() const;
};

}  // namespace genre::search
