#pragma once
// The seam between the training data and the training loop. The loop asks a
// TrainBatches for this rank's part of global batch k of an epoch, and an
// EvalBatches for this rank's share of a validation or test part, batch by
// batch. Batches arrive standardised and on the training device; where they
// come from is the backend's business, picked once by whoever builds the
// trainer: today InMemorySource (every part as tensors, in_memory_source.h),
// next a stream from the shards that holds a bounded number of chunks.
//
// What a backend must keep: the same steps() on every rank (each step is an
// allreduce every rank joins; a rank may get an empty part), the global batch
// size on every rank (the loss scale), an order reproducible from the seed and
// the epoch, every training sample once per epoch over all ranks, and
// evaluation shares that partition the part with tracks numbered as in its
// PartInfo, so the metric sums of R ranks add up to one rank's
// (metric_sums.h). The in-memory backend shares each global batch of one
// global order (sampler.h), so R ranks follow one rank's trajectory exactly; a
// streaming backend may give each rank its own chunks instead (each rank
// reading about 1/R of the data), trading that exactness for I/O.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/dataset_params.h"
#include "train/training_data.h"

namespace genre::train {

// What the trainer needs to know of a part without reading it: its size, and
// its tracks' labels for the per-track vote.
struct PartInfo {
  std::int64_t samples = 0;
  std::vector<int> track_label;  // indexed by Batch::track
  int tracks() const { return static_cast<int>(track_label.size()); }
};

// What the trainer needs to know of the data without reading it.
struct DataInfo {
  InputKind input = InputKind::Features;
  std::vector<std::int64_t> sample_shape;
  std::vector<std::string> classes;
  data::DatasetParams params;  // how the features were made (the model card keeps them)
  bool split_leaks = false;
  PartInfo train, val, test;
  const PartInfo& part(data::Part p) const;  // Train, Val or Test
};

// This rank's part of one batch, standardised, on the device.
struct Batch {
  torch::Tensor x;      // [b, ...sample shape] float32
  torch::Tensor y;      // [b] int64 labels
  torch::Tensor track;  // [b] int64, index into the part's track_label
  std::int64_t global = 0;  // training: samples of the global batch over all ranks (the loss scale)
  std::int64_t size() const { return y.defined() ? y.size(0) : 0; }
};

// How one trial reads: which rank of how many, batch sizes, order, device,
// and the standardisation to apply.
struct BatchPlan {
  int rank = 0, ranks = 1;
  std::int64_t batch_size = 32, eval_batch_size = 256;
  std::uint64_t seed = 0;
  bool shuffle = true;
  torch::Device device = torch::kCPU;
  Standardizer standardizer;  // empty: the data as stored
};

// The training split, epoch after epoch.
class TrainBatches {
 public:
  virtual ~TrainBatches() = default;
  // Global batches per epoch.
  virtual std::int64_t steps() const = 0;
  // This rank's part of global batch `step` of `epoch` (both 0-based); empty
  // (size 0) when the global batch has fewer samples than there are ranks.
  // Asked for consecutive steps within an epoch; a resumed run starts an epoch
  // at any step.
  virtual Batch batch(int epoch, std::int64_t step) = 0;
};

// One validation or test part.
class EvalBatches {
 public:
  virtual ~EvalBatches() = default;
  // One pass over this rank's share of the part, in order, in batches of at
  // most the plan's eval_batch_size.
  virtual void for_each(const std::function<void(const Batch&)>& visit) = 0;
};

// A backend: the data of one dataset and input kind, from which every trial
// on it opens its own batches. Outlives the trainers that read it.
class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual const DataInfo& info() const = 0;
  // Zero mean, unit variance per entry of the last axis, from the training
  // split alone (Standardizer).
  virtual Standardizer fit_standardizer() const = 0;
  virtual std::unique_ptr<TrainBatches> training(const BatchPlan& plan) const = 0;
  // part: Val or Test.
  virtual std::unique_ptr<EvalBatches> evaluation(data::Part part, const BatchPlan& plan) const = 0;
};

}  // namespace genre::train
