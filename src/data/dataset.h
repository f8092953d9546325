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

// Where each segment of a part lives, without its features: parallel arrays
// in load(part)'s order. What a streaming reader plans its reads from.
struct SegmentIndex {
  std::vector<int> label;         // n
  std::vector<int> track;         // n, index into Dataset::tracks()
  std::vector<std::uint32_t> shard;  // n, index into manifest().shards
  std::vector<std::uint32_t> row;    // n, row of the shard's /segments
  std::size_t size() const { return label.size(); }
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
  // The same segments as load(part), located instead of read: reads only
  // /segments/track of each needed shard (4 bytes a row).
  SegmentIndex index(Part part) const;
  std::filesystem::path shard_path(std::size_t shard) const { return root_ / manifest_.shards.at(shard).file; }
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
  // A part's wanted segments: pos[t][k] >= 0 for segment k of track t once
  // numbered (output position), tracks in output order.
  struct Plan {
    std::vector<std::vector<long>> pos;
    std::vector<std::size_t> order;
    std::size_t n = 0;
  };
  Plan plan(Part part) const;
  // Calls place(output position, row) for each wanted row of one shard, whose
  // rows belong to tracks `row_track` (/segments/track).
  template <class Place>
  void place_rows(const Plan& p, const std::vector<long>& shard_tracks,
                  const std::vector<std::int32_t>& row_track, const std::filesystem::path& file, Place place) const;
  std::vector<std::vector<long>> shard_tracks(const Plan& p) const;
  std::filesystem::path root_;
  Manifest manifest_;
  std::vector<TrackInfo> tracks_;
  std::vector<Location> where_;  // parallel to tracks_
  std::unordered_map<std::string, std::size_t> by_id_;
};

}  // namespace genre::data
