#pragma once
// Every trainable parameter of a net moved into one contiguous buffer, and
// its gradient into another: each parameter becomes a view of the first, its
// .grad() a view of the second (autograd accumulates into an existing
// gradient in place). The optimizer then updates one tensor instead of one
// per layer (a few large kernels instead of many small ones: what matters for
// the small MLP), and data parallelism averages the gradient buffer in one
// collective without copying.
#include <torch/torch.h>

#include "model/net.h"

namespace genre::train {

class FlatParameters {
 public:
  // The net must be on its final device; its parameters keep their values.
  explicit FlatParameters(model::Net& net);
  // The one tensor to hand the optimizer: the values, with grads() as its gradient.
  const torch::Tensor& values() const { return values_; }
  const torch::Tensor& grads() const { return grads_; }
  void zero_grad() { grads_.zero_(); }

 private:
  torch::Tensor values_, grads_;
};

}  // namespace genre::train
