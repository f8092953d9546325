#pragma once
// What the trainer learns from: the three parts of a dataset as tensors, with
// each sample's track so metrics can vote per track. Loaded once; a search
// worker keeps one TrainingData and runs many trials on it in-process.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"

namespace genre::train {

// A sample: one segment's [frames, dims] slice, one segment's feature-table
// row, or one track's row (features_30_sec.csv style).
enum class InputKind { Features, Table, TrackTable };
std::string to_string(InputKind k);
InputKind parse_input_kind(const std::string& s);  // "features" | "table" | "track_table"

struct PartData {
  torch::Tensor x;      // [n, ...sample shape] float32, CPU; raw (not standardised)
  torch::Tensor y;      // [n] int64 labels
  torch::Tensor track;  // [n] int64, index into track_label / track_ids
  std::vector<int> track_label;
  std::vector<std::string> track_ids;
  std::int64_t size() const { return y.defined() ? y.size(0) : 0; }
  int tracks() const { return static_cast<int>(track_label.size()); }
};

// From parallel arrays: samples x [n, ...], labels y [n] and each sample's
// track id. Samples keep their order; tracks are numbered by first appearance.
// Throws Error when a track's samples disagree on the label.
PartData make_part(torch::Tensor x, torch::Tensor y, const std::vector<std::string>& track_of_sample);

struct TrainingData {
  InputKind input = InputKind::Features;
  std::vector<std::int64_t> sample_shape;
  std::vector<std::string> classes;
  data::DatasetParams params;  // how the features were made (classify redoes it)
  bool split_leaks = false;    // a segment-level split: test tracks also seen in training
  PartData train, val, test;
};

// data.input "auto": table rows for the MLP when the dataset has a table,
// slices otherwise. Throws UsageError naming data.input for impossible choices.
InputKind resolve_input(const std::string& configured, const std::string& model, bool has_table);

// Loads every part of a preprocessed dataset. Throws Error naming the dataset.
TrainingData load_training_data(const data::Dataset& dataset, InputKind input);

// Zero mean, unit variance per entry of the last axis (per table column, or per
// MFCC coefficient / mel band), fitted on the training part only.
struct Standardizer {
  std::vector<float> mean, std;  // empty: identity
  static Standardizer fit(const torch::Tensor& x);
  torch::Tensor apply(const torch::Tensor& x) const;
  bool empty() const { return mean.empty(); }
  nlohmann::json to_json() const;                        // null when empty
  static Standardizer from_json(const nlohmann::json& j);  // throws Error for malformed input
};

}  // namespace genre::train
