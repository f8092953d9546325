#pragma once
// model.json + checkpoint.pt: a trained model as `classify` (or anyone) loads
// it. model.json holds everything but the weights: the full training config
// (the architecture in its model section), what a sample is, the feature
// parameters to recompute them from audio, the class names and the
// standardisation fitted on the training split.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset_params.h"
#include "model/net.h"
#include "train/config.h"
#include "train/training_data.h"

namespace genre::train {

inline constexpr int kModelFormatVersion = 1;

struct ModelCard {
  TrainConfig config;
  InputKind input = InputKind::Features;
  std::vector<std::int64_t> sample_shape;
  std::vector<std::string> classes;
  data::DatasetParams features;
  Standardizer standardizer;
  nlohmann::json training = nlohmann::json::object();  // best epoch, metric, value, outcome: for people
};

nlohmann::json to_json(const ModelCard& card);
ModelCard model_card_from_json(const nlohmann::json& j, const std::string& origin);  // throws Error naming the key
// Durable. With a checkpoint.pt beside it, model.json records its hash
// ("weights_xxh3": XXH3-64, hex), which load_trained_model checks; files
// from before the hash was recorded load unchecked.
void write_model_card(const std::filesystem::path& file, const ModelCard& card);
ModelCard read_model_card(const std::filesystem::path& file);

// Weights of a net (parameters and buffers), written durably; the hash in a
// model.json beside it is brought up to date.
void save_weights(model::Net& net, const std::filesystem::path& file);
void load_weights(model::Net& net, const std::filesystem::path& file);  // throws Error naming the file

struct TrainedModel {
  ModelCard card;
  model::NetPtr net;  // in eval mode, on the requested device
};
// A run folder (model.json + checkpoint.pt) to a ready model. Throws Error
// "<dir>/checkpoint.pt does not match model.json's hash" when the weights are
// not the ones model.json was written with (a damaged or replaced file).
TrainedModel load_trained_model(const std::filesystem::path& dir, const torch::Device& device);

}  // namespace genre::train
