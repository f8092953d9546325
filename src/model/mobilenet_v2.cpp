#include "model/mobilenet_v2.h"

#include "model/layers.h"

namespace genre::model {

namespace {

constexpr double kTorchvisionBnEps = 1e-5;
constexpr std::int64_t kStemChannels = 32, kLastChannels = 1280;

// torchvision's inverted_residual_setting for width 1.0: expansion t, output
// channels c, repeats n, stride s of the first repeat.
struct Stage {
  int t;
  std::int64_t c;
  int n, s;
};
constexpr Stage kStages[] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                             {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

torch::nn::BatchNorm2d batch_norm(std::int64_t channels, double momentum) {
  return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).eps(kTorchvisionBnEps).momentum(momentum));
}

}  // namespace

ConvBnReLU6Impl::ConvBnReLU6Impl(std::int64_t in, std::int64_t out, int kernel, int stride, std::int64_t groups,
                                 double momentum) {
  conv_ = register_module("0", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                                                     .stride(stride)
                                                     .padding((kernel - 1) / 2)
                                                     .groups(groups)
                                                     .bias(false)));
  bn_ = register_module("1", batch_norm(out, momentum));
}

torch::Tensor ConvBnReLU6Impl::forward(torch::Tensor x) { return torch::hardtanh(bn_->forward(conv_->forward(x)), 0, 6); }

InvertedResidualImpl::InvertedResidualImpl(std::int64_t in, std::int64_t out, int stride, int expand_ratio,
                                           double momentum)
    : residual_(stride == 1 && in == out) {
  const std::int64_t hidden = in * expand_ratio;
  conv_ = torch::nn::Sequential();
  if (expand_ratio != 1) conv_->push_back(ConvBnReLU6(in, hidden, 1, 1, 1, momentum));
  conv_->push_back(ConvBnReLU6(hidden, hidden, 3, stride, hidden, momentum));
  conv_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(hidden, out, 1).bias(false)));
  conv_->push_back(batch_norm(out, momentum));
  register_module("conv", conv_);
}

torch::Tensor InvertedResidualImpl::forward(torch::Tensor x) {
  torch::Tensor y = conv_->forward(x);
  return residual_ ? x + y : y;
}

MobileNetV2::MobileNetV2(const ModelConfig& config, std::int64_t channels, int classes)
    : dropout_(resolved_dropout(config)) {
  const double momentum = config.bn_momentum;
  features_ = torch::nn::Sequential();
  features_->push_back(ConvBnReLU6(channels, kStemChannels, 3, 2, 1, momentum));
  std::int64_t in = kStemChannels;
  for (const Stage& stage : kStages) {
    for (int i = 0; i < stage.n; ++i) {
      features_->push_back(InvertedResidual(in, stage.c, i == 0 ? stage.s : 1, stage.t, momentum));
      in = stage.c;
    }
  }
  features_->push_back(ConvBnReLU6(in, kLastChannels, 1, 1, 1, momentum));
  register_module("features", features_);
  out_ = register_module("out", torch::nn::Linear(kLastChannels, classes));

  // torchvision's initialisation for the backbone (its convolutions, He
  // normal with fan-out; batch norm ones and zeros), Keras' for the head as
  // the seed's Dense layer had it. ImageNet weights replace the backbone's.
  torch::NoGradGuard no_grad;
  for (const auto& layer : features_->modules(/*include_self=*/false))
    if (auto* conv = layer->as<torch::nn::Conv2d>()) torch::nn::init::kaiming_normal_(conv->weight, 0, torch::kFanOut);
  torch::nn::init::xavier_uniform_(out_->weight);
  out_->bias.zero_();
}

torch::Tensor MobileNetV2::features(torch::Tensor x) {
  if (x.dim() == 3) x = x.unsqueeze(1);
  return features_->forward(channels_last(x)).mean({2, 3});
}

torch::Tensor MobileNetV2::forward(torch::Tensor x) {
  x = features(x);
  if (dropout_ > 0) x = inverted_dropout(x, dropout_, is_training());
  return out_->forward(x);
}

std::vector<std::string> MobileNetV2::backbone() const { return {"features"}; }

}  // namespace genre::model
