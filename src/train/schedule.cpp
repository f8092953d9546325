#include "train/schedule.h"

#include <cmath>

namespace genre::train {

double learning_rate(const ScheduleConfig& s, double lr, int epoch, int epochs) {
  if (s.name == "hold_then_decay")
    return epoch < s.hold_epochs ? lr : lr * std::pow(s.decay, epoch - s.hold_epochs + 1);
  if (s.name == "cosine") {
    if (epochs <= 1) return lr;
    const double progress = static_cast<double>(epoch) / (epochs - 1);
    return s.min_lr + 0.5 * (lr - s.min_lr) * (1 + std::cos(M_PI * progress));
  }
  if (s.name == "step") return lr * std::pow(s.gamma, epoch / s.step_epochs);
  return lr;
}

}  // namespace genre::train
