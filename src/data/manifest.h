#pragma once
// dataset.json: the parameters, the shards, the failed files, the split and
// the totals of one preprocessed dataset. Written atomically (temp + rename).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset_params.h"

namespace genre::data {

struct ShardEntry {
  std::string file;  // relative to the manifest's folder
  // Rows in the file, stale ones included (Dataset::open checks them).
  std::size_t tracks = 0;
  std::size_t segments = 0;
  // Rows of /tracks superseded by a newer shard (the file changed or left
  // the collection); readers skip them.
  std::vector<int> stale_rows;
};

struct FailedFile {
  std::string path;
  std::string reason;
};

struct Split {
  std::string mode = "track";  // "track" | "segment" | "files"
  std::uint64_t seed = 42;
  std::vector<double> fractions;  // train, val, test (empty for "files")
  // Track ids ("blues.00042"), or "id#k" segment keys in mode "segment".
  std::vector<std::string> train, val, test;
  bool leaks = false;  // true for mode "segment": one track's segments on both sides
  std::string note;
};

// Where one rank's time went in the run that wrote the manifest: shows load
// balance and what limits the parallel efficiency.
struct RankTiming {
  int rank = 0;
  std::size_t files = 0;  // files this rank processed or verified
  double work_s = 0;      // decoding and features (includes verifying reused tracks)
  double write_s = 0;     // shard commits: HDF5 write, fsync, rename
  double done_s = 0;      // from the plan's arrival to this rank's last commit
};

struct Manifest {
  DatasetParams params;
  std::string input;  // the --input folder or --list file
  std::vector<ShardEntry> shards;
  std::vector<FailedFile> failed;
  Split split;
  std::size_t total_tracks = 0;
  std::size_t total_segments = 0;
  std::size_t reused_tracks = 0;  // taken from an earlier run's shards
  int ranks = 1;
  double wall_s = 0;
  double tracks_per_s = 0;
  double plan_s = 0;  // rank 0 scanning the input and checking earlier output, before any file is processed
  std::vector<RankTiming> rank_timing;  // of this run, by rank; empty if nothing ran
  std::string created;  // ISO 8601 UTC
};

// Keys mirror the struct fields: {"params": {...}, "input", "shards": [{file,
// tracks, segments, stale_rows}], "failed": [{path, reason}], "split": {mode,
// seed, fractions, train, val, test, leaks, note}, "total_tracks",
// "total_segments", "reused_tracks", "ranks", "wall_s", "tracks_per_s",
// "plan_s", "rank_timing": [{rank, files, work_s, write_s, done_s}],
// "created"}. Required when reading: params (all but genre_version and
// table_columns), shards (file, tracks, segments) and split (mode, train,
// test); the rest default.
nlohmann::json to_json(const Manifest& m);
// Throws Error naming the missing or mistyped key ("missing key 'params.n_fft'").
Manifest manifest_from_json(const nlohmann::json& j);
// Pretty-printed (indent 2), written to "<file>.tmp", fsynced, renamed.
void save_manifest(const std::filesystem::path& file, const Manifest& m);

// Errors carry the file as context: "<file>: missing key 'shards'".
Manifest load_manifest(const std::filesystem::path& file);

}  // namespace genre::data
