#pragma once
// The reader API over a preprocessed dataset (dataset.json + shards): what the
// trainer and the tests use. Loads the live tracks of every shard, groups
// segments by track, and hands out the segments of a split part.
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/manifest.h"
#include "data/shard.h"

namespace genre::data {

enum class Part { Train, Val, Test, All };
Part parse_part(const std::string& s);  // "train" | "val" | "test" | "all"

struct SegmentSet {
  std::size_t n = 0, frames = 0, dims = 0, columns = 0;
  std::vector<float> features;    // n * frames * dims
  std::vector<float> table;       // n * columns, or empty
  std::vector<int> label;         // n
  std::vector<int> track;         // n, index into Dataset::tracks()
  std::vector<int> segment;       // n, segment index within its track
};

class Dataset {
 public:
  // `path` is a dataset.json or the folder holding one. Opens every shard
  // (must exist, params equal to the manifest's, row counts as listed),
  // skips stale rows, and checks that every id the split lists is live.
  static Dataset open(const std::filesystem::path& path);

  const Manifest& manifest() const { return manifest_; }
  const std::vector<std::string>& classes() const { return manifest_.params.classes; }
  const std::vector<TrackInfo>& tracks() const { return tracks_; }
  // Segments of one part, grouped by track: tracks in the order of the
  // split's list (Part::All: tracks() order), each track's segments by
  // ascending index; in segment mode only the listed segments. Each needed
  // shard is read once. Debian's HDF5 is built thread-safe (one global
  // lock), so concurrent loads are safe but do not run in parallel.
  SegmentSet load(Part part) const;
  // One track's features (n_segments * frames * dims); throws for unknown ids.
  std::vector<float> track_features(const std::string& id) const;
  std::vector<float> track_table(const std::string& id) const;  // empty without a table
  // Every track's whole-track table row, tracks() order (tracks * columns),
  // each shard read once; empty without a table. A row is all NaN where the
  // dataset does not know it (imported from a 3-s CSV alone).
  std::vector<float> track_tables() const;

 private:
  struct Location {
    std::size_t shard;
    int row;
  };
  std::filesystem::path root_;
  Manifest manifest_;
  std::vector<TrackInfo> tracks_;
  std::vector<Location> where_;  // parallel to tracks_
  std::unordered_map<std::string, std::size_t> by_id_;
};

}  // namespace genre::data
