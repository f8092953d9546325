#pragma once
// Evaluation: the model's metric sums over one pass of this rank's share of a
// part, in eval mode (dropout off, batch norm on its running statistics) and
// without gradients. The caller reduces the sums over ranks and reads the
// metrics from them (metric_sums.h), so R ranks report what one rank would.
#include "model/net.h"
#include "train/data_source.h"
#include "train/metric_sums.h"

namespace genre::train {

// Adds every batch of `part` to `sums`. The net is back in training mode
// afterwards, also when reading or the forward pass throws.
void evaluate(model::Net& net, EvalBatches& part, double label_smoothing, MetricSums& sums);

}  // namespace genre::train
