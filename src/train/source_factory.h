#pragma once
// The one place that picks a training data backend (data_source.h) for a
// dataset, from data.memory_budget_mb: the parts as float32 tensors when they
// fit the budget (InMemorySource, as before), a stream from the shards when
// they do not (StreamSource, docs/streaming.md). Feature-table inputs are
// always held in memory: 57 floats a segment is small beside any slice.
#include <cstdint>
#include <memory>

#include "data/dataset.h"
#include "train/config.h"
#include "train/data_source.h"
#include "train/held_bytes.h"
#include "train/training_data.h"

namespace genre::train {

struct OpenedData {
  std::unique_ptr<DataSource> source;
  bool streamed = false;
  std::int64_t bytes = 0;  // what holding every part in memory takes
  const HeldBytes* held = nullptr;  // streamed: what the stream holds and has read
};

// The bytes the in-memory backend would hold for all three parts, from the
// manifest alone.
std::int64_t in_memory_bytes(const data::Dataset& dataset, InputKind input);

// Throws what load_training_data or StreamSource throw.
OpenedData open_data(const data::Dataset& dataset, InputKind input, const DataConfig& config);

}  // namespace genre::train
