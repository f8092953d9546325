#include "train/metric_sums.h"

#include <cmath>

namespace genre::train {

MetricSums::MetricSums(int classes, int tracks, torch::Device device)
    : layout_{classes, tracks},
      sums_(torch::zeros({layout_.size()}, torch::TensorOptions().dtype(torch::kDouble).device(device))) {}

// On the CPU a plain loop over the batch's few numbers: as tensor ops these
// were a fifth of the MLP's training step. On other devices tensor ops that
// keep everything there.
void MetricSums::add(const torch::Tensor& logp_in, const torch::Tensor& y_in, const torch::Tensor& track_in,
                     const torch::Tensor& loss_in) {
  const std::int64_t n = y_in.size(0), classes = layout_.classes;
  const torch::Tensor logp = logp_in.detach(), loss = loss_in.detach();
  if (sums_.device().is_cpu()) {
    const torch::Tensor lp = logp.to(torch::kFloat).contiguous(), l = loss.to(torch::kFloat).contiguous();
    const torch::Tensor y = y_in.contiguous(), track = track_in.contiguous();
    const float* p = lp.data_ptr<float>();
    const float* lv = l.data_ptr<float>();
    const std::int64_t* yv = y.data_ptr<std::int64_t>();
    const std::int64_t* tv = track.data_ptr<std::int64_t>();
    double* s = sums_.data_ptr<double>();
    double* confusion = s + layout_.confusion_offset();
    double* probs = s + layout_.track_offset();
    for (std::int64_t i = 0; i < n; ++i) {
      const float* row = p + i * classes;
      std::int64_t best = 0;
      for (std::int64_t k = 1; k < classes; ++k)
        if (row[k] > row[best]) best = k;
      s[0] += lv[i];
      confusion[yv[i] * classes + best] += 1;
      double* track_row = probs + tv[i] * classes;
      for (std::int64_t k = 0; k < classes; ++k) track_row[k] += std::exp(static_cast<double>(row[k]));
    }
    s[1] += static_cast<double>(n);
    return;
  }
  const auto options = sums_.options();
  sums_.narrow(0, 0, 1).add_(loss.sum().to(torch::kDouble));
  sums_.narrow(0, 1, 1).add_(static_cast<double>(n));
  sums_.narrow(0, layout_.confusion_offset(), classes * classes)
      .index_add_(0, y_in * classes + logp.argmax(1), torch::ones({n}, options));
  sums_.narrow(0, layout_.track_offset(), std::int64_t{layout_.tracks} * classes)
      .view({layout_.tracks, classes})
      .index_add_(0, track_in, logp.exp().to(torch::kDouble));
}

Metrics MetricSums::metrics(const std::vector<int>& track_label) const {
  const torch::Tensor cpu = sums_.to(torch::kCPU).contiguous();
  return metrics_from_sums(std::vector<double>(cpu.data_ptr<double>(), cpu.data_ptr<double>() + cpu.numel()), layout_,
                           track_label);
}

}  // namespace genre::train
