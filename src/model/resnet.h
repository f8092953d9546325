#pragma once
// The seed's small ResNet on MFCC / log-mel slices: a stem conv (+BN, pool),
// stages of residual blocks (conv-ReLU-BN twice, added to the input or to a
// 1x1 projection when the width changes, then ReLU), a pool after each stage,
// dense + ReLU with an L2 penalty, dropout, linear output.
#include "model/model_config.h"
#include "model/net.h"

namespace genre::model {

class ResidualBlockImpl : public torch::nn::Module {
 public:
  ResidualBlockImpl(std::int64_t in, std::int64_t out, const ModelConfig& config);
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, shortcut_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
};
TORCH_MODULE(ResidualBlock);

class ResNet : public Net {
 public:
  ResNet(const ModelConfig& config, std::int64_t frames, std::int64_t dims, int classes);
  torch::Tensor forward(torch::Tensor x) override;
  torch::Tensor penalty() override;
  std::vector<std::string> backbone() const override;  // stem and residual stages

 private:
  torch::nn::Conv2d stem_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr};
  std::vector<std::vector<ResidualBlock>> stages_;
  torch::nn::Linear dense_{nullptr}, out_{nullptr};
  double dropout_ = 0, dense_l2_ = 0;
};

}  // namespace genre::model
