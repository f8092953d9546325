#pragma once
// One rank's shard output: tracks go into the open shard, which is committed
// (written under a temporary name, renamed) every `shard_tracks` tracks and at
// the end. Names are shard-RRRRR-NNNN.h5, R the rank, N counting on from the
// highest number an earlier run of that rank left.
#include <filesystem>
#include <memory>
#include <vector>

#include "data/manifest.h"
#include "data/shard.h"

namespace genre::preprocess {

class ShardSink {
 public:
  ShardSink(std::filesystem::path shard_dir, data::DatasetParams params, int rank, int first_sequence,
            int shard_tracks);
  void add(data::TrackFeatures track);
  // Commits the open shard, if it holds anything.
  void flush();
  // Shards this sink committed, with paths relative to the dataset folder.
  const std::vector<data::ShardEntry>& committed() const { return committed_; }
  // Seconds spent committing shards so far.
  double write_seconds() const { return write_s_; }

  static std::string shard_name(int rank, int sequence);

 private:
  std::filesystem::path shard_dir_;
  data::DatasetParams params_;
  int rank_;
  int next_sequence_;
  std::size_t shard_tracks_;
  std::unique_ptr<data::ShardWriter> open_;
  std::vector<data::ShardEntry> committed_;
  double write_s_ = 0;
};

}  // namespace genre::preprocess
