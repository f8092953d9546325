#pragma once
// The architecture part of a training config: which model (by name) and its
// knobs. Plain data without torch types, so configs can be parsed, validated
// and written without LibTorch. Fields, defaults, bounds and docs are declared
// once in train/config.cpp; unset optionals take the chosen model's seed default.
// The image models take their image size and channels from the sample shape
// ([H, W] or [C, H, W]), so there is no key for them.
#include <optional>
#include <string>
#include <vector>

namespace genre::model {

struct ModelConfig {
  std::string name = "cnn";                // mlp | cnn | resnet | spectrogram_cnn | mobilenet_v2
  std::vector<int> hidden{256, 128, 64};   // mlp: dense widths
  std::vector<int> filters{32, 32, 32};    // cnn: filters per conv block
  std::vector<int> kernels{3, 3, 2};       // cnn: square kernel per block
  std::vector<int> pools{3, 3, 2};         // cnn: max-pool size per block (stride 2, "same")
  int stem = 32;                           // resnet: filters of the first conv
  std::vector<int> stages{32, 64};         // resnet: width of each stage
  int blocks_per_stage = 1;                // resnet: residual blocks per stage
  int dense = 64;                          // cnn, resnet: width of the dense layer
  // spectrogram_cnn: filters of each conv block (3x3 "same" conv, ReLU, 2x2
  // max-pool) and the width of its dense layer. Apart from cnn's filters and
  // dense because the seed's defaults differ (32/64/128 and 128 here).
  std::vector<int> image_filters{32, 64, 128};
  int image_dense = 128;
  std::optional<double> dropout;           // mlp, cnn 0.3; resnet 0.4; spectrogram_cnn, mobilenet_v2 0.5
  std::optional<double> dense_l2;          // Keras-style L2 on the dense kernel: resnet 1e-3, else 0
  bool batch_norm = true;                  // cnn, resnet
  double bn_momentum = 0.01;               // torch convention: Keras' momentum 0.99 is 0.01 here
  double bn_eps = 1e-3;                    // Keras' default; mobilenet_v2 keeps torchvision's 1e-5
};

// The seed defaults that depend on the model.
double resolved_dropout(const ModelConfig& c);
double resolved_dense_l2(const ModelConfig& c);

}  // namespace genre::model
