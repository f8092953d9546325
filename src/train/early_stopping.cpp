#include "train/early_stopping.h"

namespace genre::train {

EarlyStopping::EarlyStopping(const LoopConfig& loop, bool has_val)
    : metric_(loop.metric.substr(4)),
      maximize_(metric_maximized(loop.metric)),
      min_delta_(loop.min_delta),
      patience_(loop.patience),
      has_val_(has_val) {}

bool EarlyStopping::improved(int epoch, const Metrics& val, BestEpoch& best) const {
  const double value = has_val_ ? metric_value(val, metric_) : 0.0;
  const bool better = !has_val_ || best.epoch == 0 ||
                      (maximize_ ? value > best.value + min_delta_ : value < best.value - min_delta_);
  if (better) {
    best = {epoch, value, 0};
  } else {
    ++best.bad_epochs;
  }
  return better;
}

bool EarlyStopping::exhausted(const BestEpoch& best) const {
  return has_val_ && patience_ > 0 && best.bad_epochs >= patience_;
}

}  // namespace genre::train
