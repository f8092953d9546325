#pragma once
// MobileNetV2 (width 1.0: inverted residuals with linear bottlenecks, ReLU6)
// as a backbone, with the seed's head: global average pooling, dropout,
// linear output. The backbone is torchvision's mobilenet_v2 `features` layer
// for layer, under torchvision's names (features.0.0.weight, ...,
// features.18.1.running_var), so its ImageNet weights, converted by
// scripts/convert_torchvision_mobilenet.py, load with load_matching(). Its
// batch norm keeps torchvision's epsilon (1e-5), which those weights were
// fitted with; the momentum is ModelConfig's. Samples are images [C, H, W]
// (or [H, W], one channel; ImageNet weights need C = 3), any size.
#include "model/model_config.h"
#include "model/net.h"

namespace genre::model {

// Conv (no bias), batch norm, ReLU6: torchvision's Conv2dNormActivation, its
// layers named "0" and "1" as there.
class ConvBnReLU6Impl : public torch::nn::Module {
 public:
  ConvBnReLU6Impl(std::int64_t in, std::int64_t out, int kernel, int stride, std::int64_t groups, double momentum);
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(ConvBnReLU6);

// Expand (1x1, unless the ratio is 1), depthwise 3x3, project (1x1, linear),
// added to the input when the shape stays.
class InvertedResidualImpl : public torch::nn::Module {
 public:
  InvertedResidualImpl(std::int64_t in, std::int64_t out, int stride, int expand_ratio, double momentum);
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::Sequential conv_{nullptr};
  bool residual_ = false;
};
TORCH_MODULE(InvertedResidual);

class MobileNetV2 : public Net {
 public:
  MobileNetV2(const ModelConfig& config, std::int64_t channels, int classes);
  torch::Tensor forward(torch::Tensor x) override;
  std::vector<std::string> backbone() const override;  // "features"
  // The backbone's globally pooled output [B, 1280], before the head.
  torch::Tensor features(torch::Tensor x);

 private:
  torch::nn::Sequential features_{nullptr};
  torch::nn::Linear out_{nullptr};
  double dropout_ = 0;
};

}  // namespace genre::model
