#pragma once
// The sums a part's metrics come from (SumsLayout in metrics.h) as one double
// tensor on the training device. Adding a batch costs a few operations, the
// reduction over ranks is one allreduce of values(), and since every entry is
// a plain sum (per-track probabilities included) the sums of disjoint shares
// add up to the sums of the whole part: a split evaluation equals a 1-rank one.
#include <torch/torch.h>

#include <vector>

#include "train/metrics.h"

namespace genre::train {

class MetricSums {
 public:
  MetricSums(int classes, int tracks, torch::Device device);
  // One batch: log-probabilities [b, classes], labels [b], tracks [b] and the
  // per-sample loss [b]. Detached here; no gradient flows into the sums.
  void add(const torch::Tensor& logp, const torch::Tensor& y, const torch::Tensor& track, const torch::Tensor& loss);
  // The sums themselves: reduced in place across ranks, saved in state.pt.
  const torch::Tensor& values() const { return sums_; }
  void zero() { sums_.zero_(); }
  const SumsLayout& layout() const { return layout_; }
  // track_label: the part's, indexed as the batches' track.
  Metrics metrics(const std::vector<int>& track_label) const;

 private:
  SumsLayout layout_;
  torch::Tensor sums_;
};

}  // namespace genre::train
