#pragma once
// The common face of every model: a torch module mapping a batch of samples
// [B, ...sample shape] to logits [B, classes], plus the Keras-style weight
// penalty that some layers carry (added to the loss by the trainer).
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace genre::model {

class Net : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  // Sum of the layers' L2 penalties, or an undefined tensor when there is none.
  virtual torch::Tensor penalty() { return {}; }
};

using NetPtr = std::shared_ptr<Net>;

// Trainable parameters (what PyTorch and Keras call trainable).
std::int64_t count_trainable(const torch::nn::Module& m);
// Keras' "Total params": trainable plus the batch-norm running mean and
// variance (not torch's num_batches_tracked counter).
std::int64_t count_keras_total(const torch::nn::Module& m);

// Keras' defaults (glorot-uniform kernels, zero biases), which the seed used;
// torch's defaults differ and would change the seed's results.
void init_keras_style(torch::nn::Module& m);

}  // namespace genre::model
