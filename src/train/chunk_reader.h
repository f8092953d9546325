#pragma once
// The streaming backend's reader thread: reads a list of jobs (runs of rows
// of one shard, stream_plan.h) in order into a bounded queue, so reading the
// next chunks overlaps the training step on the current one. At most `depth`
// blocks wait in the queue and one more is being read; every block's bytes
// are counted in a HeldBytes while it lives. A failed read (a missing,
// truncated or corrupt shard) ends the stream: next() rethrows it, naming
// the shard.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "train/held_bytes.h"
#include "train/stream_plan.h"

namespace genre::train {

struct RowBlock {
  ReadJob job;
  std::vector<float> rows;  // job.count rows of row_size floats
  Held held;
};

class ChunkReader {
 public:
  // `shards` (indexed by ReadJob::shard) must outlive the reader; every
  // shard's rows must hold row_size floats.
  ChunkReader(const std::vector<std::filesystem::path>& shards, std::vector<ReadJob> jobs, std::size_t row_size,
              std::size_t depth, HeldBytes& meter);
  ~ChunkReader();  // stops the thread (a block being read is finished first)
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  // The next block in job order; nullopt after the last. Rethrows the
  // reader's failure.
  std::optional<RowBlock> next();

 private:
  void run();

  const std::vector<std::filesystem::path>& shards_;
  const std::vector<ReadJob> jobs_;
  const std::size_t row_size_, depth_;
  HeldBytes& meter_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<RowBlock> queue_;
  bool finished_ = false, stop_ = false;
  std::exception_ptr failure_;
  std::thread thread_;
};

}  // namespace genre::train
