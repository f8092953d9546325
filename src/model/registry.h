#pragma once
// The explicit registry of model types (STYLE.md §5): each is built by name
// from a ModelConfig, the shape of one sample and the number of classes.
#include <cstdint>
#include <string>
#include <vector>

#include "model/model_config.h"
#include "model/net.h"

namespace genre::model {

// The sample shapes a model takes.
enum class SampleInput {
  Any,     // any shape, flattened (the MLP)
  Slices,  // [frames, dims], read as a one-channel image
  Images,  // [C, H, W], or [H, W] as one channel
};

struct ModelType {
  const char* name;
  const char* summary;
  SampleInput input;
  NetPtr (*build)(const ModelConfig& config, const std::vector<std::int64_t>& sample_shape, int classes);
};

const std::vector<ModelType>& model_types();
// Throws UsageError naming model.name when unknown (listing the known ones)
// or when the sample shape does not suit the model.
const ModelType& find_model_type(const std::string& name);
NetPtr build_model(const ModelConfig& config, const std::vector<std::int64_t>& sample_shape, int classes);

}  // namespace genre::model
