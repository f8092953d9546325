#include "model/registry.h"

#include <numeric>

#include "common/error.h"
#include "model/cnn.h"
#include "model/mlp.h"
#include "model/resnet.h"

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

}  // namespace

const std::vector<ModelType>& model_types() {
  static const std::vector<ModelType> types{
      {"mlp", "dense layers on feature-table rows (or flattened slices)", false, build_mlp},
      {"cnn", "the seed's three-block CNN on MFCC / log-mel slices", true, build_cnn},
      {"resnet", "the seed's small ResNet on MFCC / log-mel slices", true, build_resnet},
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
  if (type.needs_image && sample_shape.size() != 2)
    throw UsageError("model.name: '" + config.name + "' needs [frames, dims] slices, but the samples are " +
                     shape_text(sample_shape) + " (set data.input: features)");
  if (classes < 2) throw UsageError("model: need at least 2 classes, the data has " + std::to_string(classes));
  return type.build(config, sample_shape, classes);
}

}  // namespace genre::model
