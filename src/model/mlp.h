#pragma once
// The seed's MLP on the feature table: dense layers with ReLU, dropout after
// every hidden layer but the last, linear output. Samples of any shape are
// flattened, so it also runs on MFCC slices.
#include "model/model_config.h"
#include "model/net.h"

namespace genre::model {

class Mlp : public Net {
 public:
  Mlp(const ModelConfig& config, std::int64_t inputs, int classes);
  torch::Tensor forward(torch::Tensor x) override;
  std::vector<std::string> backbone() const override;  // the hidden layers

 private:
  std::vector<torch::nn::Linear> hidden_;
  torch::nn::Linear out_{nullptr};
  double dropout_ = 0;
};

}  // namespace genre::model
