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

nlohmann::json to_json(const Manifest& m);
Manifest manifest_from_json(const nlohmann::json& j);  // throws Error naming the missing/bad key
void save_manifest(const std::filesystem::path& file, const Manifest& m);
Manifest load_manifest(const std::filesystem::path& file);

}  // namespace genre::data
