#pragma once
// Learning-rate schedules: the rate of a 0-based epoch, a pure function.
#include "train/config.h"

namespace genre::train {

// constant: lr.  hold_then_decay (the seed's Keras callback, which sees the
// rate it set the epoch before): lr for the first hold_epochs epochs, then
// x decay per epoch.  cosine: from lr at epoch 0 to min_lr at the last epoch.
// step: x gamma every step_epochs epochs.
double learning_rate(const ScheduleConfig& s, double lr, int epoch, int epochs);

}  // namespace genre::train
