#pragma once
// The seed's CNN on MFCC / log-mel slices: conv blocks (valid conv + ReLU,
// "same" max-pool with stride 2, batch norm), dense + ReLU, dropout, linear
// output. Input [B, frames, dims] is read as a one-channel image.
#include "model/model_config.h"
#include "model/net.h"

namespace genre::model {

class Cnn : public Net {
 public:
  // frames x dims: the sample shape. Throws UsageError when the blocks shrink
  // it to nothing.
  Cnn(const ModelConfig& config, std::int64_t frames, std::int64_t dims, int classes);
  torch::Tensor forward(torch::Tensor x) override;
  torch::Tensor penalty() override;
  std::vector<std::string> backbone() const override;  // the conv blocks (conv and batch norm)

 private:
  std::vector<torch::nn::Conv2d> convs_;
  std::vector<torch::nn::BatchNorm2d> norms_;  // empty without batch norm
  std::vector<int> pools_;
  torch::nn::Linear dense_{nullptr}, out_{nullptr};
  double dropout_ = 0, dense_l2_ = 0;
};

}  // namespace genre::model
