#pragma once
// The seed's CNN on spectrogram images: conv blocks (3x3 "same" conv, ReLU,
// 2x2 max-pool with Keras' "same" padding), flatten, dense + ReLU, dropout,
// linear output. No batch norm, as in the seed. Samples are images [C, H, W]
// (or [H, W], one channel); with 3x256x256 inputs and 10 classes it has the
// seed's 16,871,882 parameters, nearly all of them in the dense layer.
#include "model/model_config.h"
#include "model/net.h"

namespace genre::model {

class SpectrogramCnn : public Net {
 public:
  SpectrogramCnn(const ModelConfig& config, std::int64_t channels, std::int64_t height, std::int64_t width,
                 int classes);
  torch::Tensor forward(torch::Tensor x) override;
  torch::Tensor penalty() override;
  std::vector<std::string> backbone() const override;  // the conv layers

 private:
  std::vector<torch::nn::Conv2d> convs_;
  torch::nn::Linear dense_{nullptr}, out_{nullptr};
  double dropout_ = 0, dense_l2_ = 0;
};

}  // namespace genre::model
