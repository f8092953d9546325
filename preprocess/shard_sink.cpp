#include "preprocess/shard_sink.h"

#include <chrono>
#include <cstdio>

namespace genre::preprocess {

ShardSink::ShardSink(std::filesystem::path shard_dir, data::DatasetParams params, int rank, int first_sequence,
                     int shard_tracks)
    : shard_dir_(std::move(shard_dir)),
      params_(std::move(params)),
      rank_(rank),
      next_sequence_(first_sequence),
      shard_tracks_(static_cast<std::size_t>(shard_tracks)) {}

std::string ShardSink::shard_name(int rank, int sequence) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "shard-%05d-%04d.h5", rank, sequence);
  return buf;
}

void ShardSink::add(data::TrackFeatures track) {
  if (!open_) open_ = std::make_unique<data::ShardWriter>(shard_dir_ / shard_name(rank_, next_sequence_++), params_);
  open_->add(std::move(track));
  if (open_->tracks() >= shard_tracks_) flush();
}

void ShardSink::flush() {
  if (!open_ || open_->tracks() == 0) return;
  const auto start = std::chrono::steady_clock::now();
  open_->commit();
  write_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  committed_.push_back({"shards/" + open_->path().filename().string(), open_->tracks(), open_->segments(), {}});
  open_.reset();
}

}  // namespace genre::preprocess
