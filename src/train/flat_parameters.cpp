#include "train/flat_parameters.h"

#include "common/error.h"

namespace genre::train {

FlatParameters::FlatParameters(model::Net& net) {
  std::vector<torch::Tensor> params;
  std::int64_t total = 0;
  for (const auto& p : net.parameters()) {
    if (!p.requires_grad()) continue;
    if (!params.empty() && (p.scalar_type() != params[0].scalar_type() || p.device() != params[0].device()))
      throw Error("flat parameters: parameters differ in dtype or device");
    params.push_back(p);
    total += p.numel();
  }
  if (params.empty()) throw Error("flat parameters: the net has no trainable parameter");
  const auto options = params[0].options().requires_grad(false);
  torch::Tensor values = torch::empty({total}, options);
  grads_ = torch::zeros({total}, options);
  torch::NoGradGuard no_grad;
  std::int64_t offset = 0;
  for (auto& p : params) {
    const std::int64_t n = p.numel();
    torch::Tensor slot = values.narrow(0, offset, n).view(p.sizes());
    slot.copy_(p);
    p.set_data(slot);
    p.mutable_grad() = grads_.narrow(0, offset, n).view(p.sizes());
    offset += n;
  }
  values_ = values.requires_grad_(true);
  values_.mutable_grad() = grads_;
}

}  // namespace genre::train
