#pragma once
// What the streaming backend reads, worked out from the dataset's segment
// index alone (no features): each part's segments in file order, the
// training split cut into the shards' HDF5 chunks, and for every epoch and
// rank the pieces of chunks it reads and the sizes of its batches. Pure
// arithmetic, so every rank computes the same plan without talking.
//
// Training: each epoch the chunks are put in a new order drawn from (seed,
// epoch) (sampler.h's epoch_order); their segments, chunk after chunk, form a
// stream of N positions, and rank r of R reads positions [N r/R, N (r+1)/R),
// about 1/R of the data, mostly whole chunks. Every epoch has
// steps_per_epoch(N, B) steps on every rank; rank r's batch k is positions
// [n_r k B / N, n_r (k+1) B / N) of its own n_r (clamped to n_r), so its
// batches cover its positions exactly and the ranks' batches of one step add
// up to the global batch within R samples. (sampler.h's share_of rule would
// give each rank pieces of every chunk, i.e. every rank reading everything.)
#include <cstdint>
#include <vector>

#include "data/dataset.h"
#include "train/data_source.h"
#include "train/sampler.h"

namespace genre::train {

// One part's segments in file order (by shard, then row).
struct StreamPart {
  PartInfo info;                          // tracks numbered as in the in-memory backend
  std::vector<std::uint32_t> shard, row;  // per segment
  std::vector<std::int64_t> label, track; // per segment; track indexes info.track_label
  std::int64_t size() const { return static_cast<std::int64_t>(shard.size()); }
};

// From Dataset::index(part): tracks numbered by first appearance in the
// index's (load()'s) order, segments then sorted into file order.
StreamPart stream_part(const data::SegmentIndex& index);

// Segments [begin, end) of a StreamPart that lie in one HDF5 chunk of one shard.
struct Chunk {
  std::int64_t begin = 0, end = 0;
  std::int64_t size() const { return end - begin; }
};
// chunk_rows[s]: rows per HDF5 chunk of shard s.
std::vector<Chunk> chunks_of(const StreamPart& part, const std::vector<std::size_t>& chunk_rows);

// Rows [first, first + count) of one shard, and which StreamPart segments
// [begin, end) they hold (rows in between that belong to other parts are read
// and dropped: HDF5 reads the whole chunk anyway).
struct ReadJob {
  std::uint32_t shard = 0;
  std::uint32_t first = 0, count = 0;
  std::int64_t begin = 0, end = 0;
};
// The read of segments [begin, end) of one chunk.
ReadJob job_of(const StreamPart& part, std::int64_t begin, std::int64_t end);

// This rank's reads in one epoch, in stream order.
std::vector<ReadJob> epoch_jobs(const StreamPart& part, const std::vector<Chunk>& chunks, std::uint64_t seed,
                                int epoch, bool shuffle, int rank, int ranks);

// Rank `rank`'s positions of the stream of `samples` (n_r of them).
Span rank_share(std::int64_t samples, int rank, int ranks);
// Positions of the rank's batch `step` within its own share of n_r positions.
Span rank_batch(std::int64_t samples, std::int64_t batch_size, std::int64_t step, std::int64_t rank_samples);
// The sum over ranks of their batch `step`'s sizes (the loss scale).
std::int64_t global_batch_size(std::int64_t samples, std::int64_t batch_size, std::int64_t step, int ranks);

// Reads for positions [begin, end) of a part in file order (an evaluation
// share): one job per chunk touched.
std::vector<ReadJob> span_jobs(const StreamPart& part, const std::vector<std::size_t>& chunk_rows, Span span);

}  // namespace genre::train
