#include "train/chunk_reader.h"

#include "common/error.h"
#include "data/shard.h"

namespace genre::train {

ChunkReader::ChunkReader(const std::vector<std::filesystem::path>& shards, std::vector<ReadJob> jobs,
                         std::size_t row_size, std::size_t depth, HeldBytes& meter)
    : shards_(shards), jobs_(std::move(jobs)), row_size_(row_size), depth_(std::max<std::size_t>(depth, 1)),
      meter_(meter) {
  thread_ = std::thread([this] { run(); });
}

ChunkReader::~ChunkReader() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ChunkReader::run() {
  // The shard of the last job stays open: consecutive jobs in one shard (an
  // evaluation share, an unshuffled epoch) open it once.
  std::optional<data::ShardRows> open;
  try {
    for (const ReadJob& job : jobs_) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || queue_.size() < depth_; });
        if (stop_) return;
      }
      const std::filesystem::path& path = shards_.at(job.shard);
      RowBlock block{job, {}, Held(meter_, static_cast<std::int64_t>(job.count * row_size_ * sizeof(float)))};
      try {
        if (!open || open->path() != path) {
          open.reset();
          open.emplace(path);
          if (open->row_size() != row_size_)
            throw Error(path.string() + ": /segments/features rows hold " + std::to_string(open->row_size()) +
                        " values, the dataset's " + std::to_string(row_size_));
        }
        block.rows = open->read_features(job.first, job.count);
      } catch (const std::exception&) {
        rethrow_with_context("streaming from shard " + path.filename().string());
      }
      meter_.count_read(static_cast<std::int64_t>(block.rows.size() * sizeof(float)));
      {
        const std::lock_guard lock(mutex_);
        queue_.push_back(std::move(block));
      }
      changed_.notify_all();
    }
  } catch (...) {
    const std::lock_guard lock(mutex_);
    failure_ = std::current_exception();
  }
  {
    const std::lock_guard lock(mutex_);
    finished_ = true;
  }
  changed_.notify_all();
}

std::optional<RowBlock> ChunkReader::next() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !queue_.empty() || finished_; });
  if (queue_.empty()) {
    if (failure_) std::rethrow_exception(failure_);
    return std::nullopt;
  }
  RowBlock block = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  changed_.notify_all();
  return block;
}

}  // namespace genre::train
