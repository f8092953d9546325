#pragma once
// What an earlier run left in the output folder. Complete shards (final names:
// renames are atomic) are kept and their tracks offered for reuse; temporary
// files of a killed run are deleted; shards made with other parameters stop
// the run unless --force, which deletes every earlier output.
#include <filesystem>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "data/dataset_params.h"
#include "data/manifest.h"
#include "preprocess/track_processor.h"

namespace genre::preprocess {

struct PriorTrack {
  std::size_t shard = 0;  // index into PriorOutput::shards
  int row = 0;
  StoredTrack stored;
};

struct PriorOutput {
  std::vector<data::ShardEntry> shards;
  std::vector<std::vector<std::string>> row_paths;      // per shard, the path of each row
  std::vector<std::vector<int>> track_segments;         // per shard, the segments of each row
  std::unordered_map<std::string, PriorTrack> by_path;  // first shard (by name) wins
  std::map<int, int> next_sequence;                     // rank -> first unused shard number
  std::size_t removed_temporaries = 0;
};

// Rank 0 only, before any work starts.
PriorOutput inspect_output(const std::filesystem::path& output, const data::DatasetParams& params, bool force);

// Marks as stale every row of a prior shard that was not reused this run (its
// file changed, left the collection, or a duplicate), so readers skip it.
// Returns the shards that still hold a live row; deletes the others.
std::vector<data::ShardEntry> live_prior_shards(const std::filesystem::path& output, const PriorOutput& prior,
                                                const std::unordered_set<std::string>& reused_paths);

}  // namespace genre::preprocess
