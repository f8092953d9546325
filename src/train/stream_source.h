#pragma once
// The streaming backend of DataSource (data_source.h, docs/streaming.md):
// training and evaluation read the shards chunk by chunk while the model
// trains, holding a bounded number of bytes whatever the dataset's size.
//   order     every epoch a new order of the training split's HDF5 chunks,
//             drawn from (seed, epoch); rank r of R reads its contiguous 1/R
//             of that stream (stream_plan.h), the same steps() on every rank
//   shuffle   a buffer of samples per rank, seeded by (seed, epoch, rank),
//             sized from the budget minus the prefetch queue
//   prefetch  a reader thread per open stream with a bounded queue
//             (chunk_reader.h), so reading overlaps the step
//   eval      rank r reads the r-th contiguous share of a part in file
//             order; the trainer adds the ranks' metric sums (metric_sums.h),
//             so the metrics equal a 1-rank evaluation's
// Unlike the in-memory backend, R ranks do not follow one rank's trajectory:
// each rank draws its batches from its own chunks. Features input only (the
// feature table is small enough to be held in memory).
#include <cstdint>
#include <filesystem>
#include <vector>

#include "data/dataset.h"
#include "train/data_source.h"
#include "train/held_bytes.h"
#include "train/stream_plan.h"

namespace genre::train {

struct StreamOptions {
  std::int64_t budget_bytes = std::int64_t{4096} << 20;  // per rank: queue + shuffle buffer
  std::size_t queue_depth = 4;                           // blocks waiting in the reader's queue
};

class StreamSource : public DataSource {
 public:
  // Indexes the three parts (reads /segments/track of every shard, not the
  // features). Throws UsageError when the budget cannot hold the prefetch
  // queue and a batch; Error naming the dataset for a feature-less one.
  StreamSource(const data::Dataset& dataset, StreamOptions options);
  const DataInfo& info() const override { return info_; }
  // One pass over the training chunks with float64 sums (standardizer_fit.h).
  Standardizer fit_standardizer() const override;
  std::unique_ptr<TrainBatches> training(const BatchPlan& plan) const override;
  std::unique_ptr<EvalBatches> evaluation(data::Part part, const BatchPlan& plan) const override;

  // What every batch opened from this source holds and has read, together.
  const HeldBytes& held() const { return meter_; }
  // The shuffle buffer's samples for one rank's share of `ranks`.
  std::int64_t buffer_samples(int ranks, bool shuffle) const;
  // Bytes the prefetch queue may hold: queue_depth + 2 of the largest chunk
  // (one being read, one being consumed).
  std::int64_t queue_bytes() const;

  // For the batches: what they read from.
  struct Shared {
    std::vector<std::filesystem::path> shards;
    std::vector<std::size_t> chunk_rows;  // per shard
    std::int64_t frames = 0, dims = 0;
    StreamPart train, val, test;
    std::vector<Chunk> train_chunks;
    StreamOptions options;
    std::int64_t row_size() const { return frames * dims; }
    const StreamPart& part(data::Part p) const;
  };

 private:
  Shared shared_;
  DataInfo info_;
  mutable HeldBytes meter_;
};

}  // namespace genre::train
