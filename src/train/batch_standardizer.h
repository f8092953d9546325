#pragma once
// A Standardizer applied batch by batch on the training device: mean and
// deviation put on the device once, each batch then costs one subtraction
// and one division ((x - mean) / std, as Standardizer::apply computes it), so
// no backend keeps a standardised copy of its data.
#include <torch/torch.h>

#include <string>

#include "common/error.h"
#include "train/training_data.h"

namespace genre::train {

class BatchStandardizer {
 public:
  BatchStandardizer() = default;
  // `width`: values per row of the data it will see (checked here, once).
  BatchStandardizer(const Standardizer& s, std::int64_t width, torch::Device device) {
    if (s.empty()) return;
    if (width != static_cast<std::int64_t>(s.mean.size()))
      throw Error("standardisation fitted on " + std::to_string(s.mean.size()) + " values per row, the input has " +
                  std::to_string(width));
    mean_ = torch::tensor(s.mean, torch::kFloat).to(device);
    std_ = torch::tensor(s.std, torch::kFloat).to(device);
  }
  // A new tensor (x is left as it is: it may be the backend's own data).
  torch::Tensor operator()(const torch::Tensor& x) const { return mean_.defined() ? x.sub(mean_).div_(std_) : x; }
  // In place, for a batch the caller owns.
  torch::Tensor in_place(torch::Tensor x) const { return mean_.defined() ? x.sub_(mean_).div_(std_) : x; }

 private:
  torch::Tensor mean_, std_;
};

}  // namespace genre::train
