#pragma once
// The early-stopping rule: which epoch is the best so far by train.metric
// (beyond train.min_delta), and whether train.patience epochs without one have
// run out. A pure rule; the state it updates (BestEpoch) travels in state.pt.
#include <string>

#include "train/config.h"
#include "train/metrics.h"

namespace genre::train {

struct BestEpoch {
  int epoch = 0;  // 1-based; 0: none yet
  double value = 0;
  int bad_epochs = 0;  // finished since the best one
};

class EarlyStopping {
 public:
  // has_val: without a validation split every epoch is the best (the last one wins).
  EarlyStopping(const LoopConfig& loop, bool has_val);
  // Epoch `epoch` (1-based) finished with validation metrics `val` (ignored
  // without a validation split): updates `best`, returns whether it is the new best.
  bool improved(int epoch, const Metrics& val, BestEpoch& best) const;
  // Whether the run should stop: patience is on and has run out.
  bool exhausted(const BestEpoch& best) const;

 private:
  std::string metric_;  // "accuracy", "loss", ... (train.metric without "val_")
  bool maximize_;
  double min_delta_;
  int patience_;
  bool has_val_;
};

}  // namespace genre::train
