#pragma once
// The common face of every model: a torch module mapping a batch of samples
// [B, ...sample shape] to logits [B, classes], plus the Keras-style weight
// penalty that some layers carry (added to the loss by the trainer), the
// layers its "backbone" is made of (what transfer learning freezes), and the
// batch-norm layers that freezing keeps in eval mode.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace genre::model {

class Net : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  // Sum of the layers' L2 penalties, or an undefined tensor when there is none.
  virtual torch::Tensor penalty() { return {}; }
  // Names of the top-level layers (as in named_modules) that make up the
  // feature extractor: everything but the classification head.
  virtual std::vector<std::string> backbone() const = 0;

  // Module::train, except that the layers named by keep_in_eval() stay in
  // eval mode: a frozen batch-norm layer must not update its running
  // statistics (nor normalise by the batch's) while the head trains.
  void train(bool on = true) override;
  // Replaces the set of layers held in eval mode and applies it at once.
  void keep_in_eval(std::vector<std::shared_ptr<torch::nn::Module>> layers);

 private:
  std::vector<std::shared_ptr<torch::nn::Module>> eval_only_;
};

using NetPtr = std::shared_ptr<Net>;

// Parameters an optimiser would update (requires_grad; what PyTorch and
// Keras call trainable): frozen ones are excluded.
std::int64_t count_trainable(const torch::nn::Module& m);
// Parameters frozen by freeze() (requires_grad false).
std::int64_t count_frozen(const torch::nn::Module& m);
// Keras' "Total params": every parameter, frozen or not, plus the batch-norm
// running mean and variance (not torch's num_batches_tracked counter).
std::int64_t count_keras_total(const torch::nn::Module& m);

// Keras' defaults (glorot-uniform kernels, zero biases), which the seed used;
// torch's defaults differ and would change the seed's results.
void init_keras_style(torch::nn::Module& m);

}  // namespace genre::model
