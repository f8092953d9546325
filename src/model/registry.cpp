#include "model/registry.h"

#include <numeric>

#include "common/error.h"
#include "model/cnn.h"
#include "model/mlp.h"
#include "model/mobilenet_v2.h"
#include "model/resnet.h"
#include "model/spectrogram_cnn.h"

namespace genre::model {

namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s;
  for (auto d : shape) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s.empty() ? "scalar" : s;
}

NetPtr build_mlp(const ModelConfig& c, const std::vector<std::int64_t>& shape, int classes) {
  const std::int64_t inputs = std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
  return std::make_shared<Mlp>(c, inputs, classes);
}
NetPtr build_cnn(const ModelConfig& c, const std::vector<std::int64_t>& shape, int classes) {
  return std::make_shared<Cnn>(c, shape[0], shape[1], classes);
}
NetPtr build_resnet(const ModelConfig& c, const std::vector<std::int64_t>& shape, int classes) {
  return std::make_shared<ResNet>(c, shape[0], shape[1], classes);
}
// Images are [C, H, W]; [H, W] is one channel.
std::int64_t image_channels(const std::vector<std::int64_t>& shape) { return shape.size() == 3 ? shape[0] : 1; }
NetPtr build_spectrogram_cnn(const ModelConfig& c, const std::vector<std::int64_t>& shape, int classes) {
  const std::size_t h = shape.size() - 2;
  return std::make_shared<SpectrogramCnn>(c, image_channels(shape), shape[h], shape[h + 1], classes);
}
NetPtr build_mobilenet_v2(const ModelConfig& c, const std::vector<std::int64_t>& shape, int classes) {
  return std::make_shared<MobileNetV2>(c, image_channels(shape), classes);
}

bool suits(SampleInput input, const std::vector<std::int64_t>& shape) {
  switch (input) {
    case SampleInput::Slices:
      return shape.size() == 2;
    case SampleInput::Images:
      return shape.size() == 2 || shape.size() == 3;
    case SampleInput::Any:
      break;
  }
  return true;
}

std::string needed(SampleInput input) {
  return input == SampleInput::Slices ? "[frames, dims] slices" : "images [C, H, W] or [H, W]";
}

}  // namespace

const std::vector<ModelType>& model_types() {
  static const std::vector<ModelType> types{
      {"mlp", "dense layers on feature-table rows (or flattened slices)", SampleInput::Any, build_mlp},
      {"cnn", "the seed's three-block CNN on MFCC / log-mel slices", SampleInput::Slices, build_cnn},
      {"resnet", "the seed's small ResNet on MFCC / log-mel slices", SampleInput::Slices, build_resnet},
      {"spectrogram_cnn", "the seed's three-block CNN on spectrogram images", SampleInput::Images,
       build_spectrogram_cnn},
      {"mobilenet_v2", "MobileNetV2 backbone (torchvision layout, ImageNet-loadable) with the seed's head",
       SampleInput::Images, build_mobilenet_v2},
  };
  return types;
}

const ModelType& find_model_type(const std::string& name) {
  std::string known;
  for (const auto& t : model_types()) {
    if (name == t.name) return t;
    known += (known.empty() ? "" : ", ") + std::string(t.name);
  }
  throw UsageError("model.name: unknown model '" + name + "' (known: " + known + ")");
}

NetPtr build_model(const ModelConfig& config, const std::vector<std::int64_t>& sample_shape, int classes) {
  const ModelType& type = find_model_type(config.name);
  if (!suits(type.input, sample_shape))
    throw UsageError("model.name: '" + config.name + "' needs " + needed(type.input) + ", but the samples are " +
                     shape_text(sample_shape) + " (set data.input: features)");
  if (classes < 2) throw UsageError("model: need at least 2 classes, the data has " + std::to_string(classes));
  return type.build(config, sample_shape, classes);
}

}  // namespace genre::model
