#pragma once
// Learnable synthetic training data for the trainer's tests: each class has a
// fixed random pattern, each track a small offset, each segment noise. Written
// as real shards + dataset.json (data::ShardWriter, data::save_manifest), or
// built in memory for the data-parallel tests, which are about arithmetic.
#include <cstdint>
#include <filesystem>

#include "train/training_data.h"

namespace genre::test {

struct SyntheticSpec {
  int classes = 4;
  int tracks_per_class = 10;  // split per class: 60% train, 20% val, 20% test
  int segments = 5;           // per track
  int frames = 130, dims = 13;
  int columns = 0;            // feature-table columns (0: no table)
  float signal = 0.5f;        // amplitude of the class pattern against unit noise
  std::uint64_t seed = 1;
};

// Writes <dir>/shards/*.h5 and <dir>/dataset.json; returns the manifest's path.
std::filesystem::path write_synthetic_dataset(const std::filesystem::path& dir, const SyntheticSpec& spec);

// The same kind of data, in memory.
train::TrainingData synthetic_training_data(const SyntheticSpec& spec);

}  // namespace genre::test
