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
  std::string created;  // ISO 8601 UTC
};

// Keys mirror the struct fields: {"params": {...}, "input", "shards": [{file,
// tracks, segments, stale_rows}], "failed": [{path, reason}], "split": {mode,
// seed, fractions, train, val, test, leaks, note}, "total_tracks",
// "total_segments", "reused_tracks", "ranks", "wall_s", "tracks_per_s",
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
