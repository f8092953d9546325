#pragma once
// Deterministic shards for the data tests: every value is a function of the
// track's `base`, the segment and the position, so a test can recompute what
// any reader must return.
#include <filesystem>
#include <string>
#include <vector>

#include "data/manifest.h"
#include "data/shard.h"

namespace genre::data::test {

// MFCC-like params (130 x 13), with a 3-column feature table when `table`.
DatasetParams test_params(bool table, std::vector<std::string> classes = {"blues", "jazz", "rock"});

float feature_value(float base, int segment, std::size_t i);
float table_value(float base, int segment, std::size_t column);  // segment -1: the track row

TrackFeatures make_track(const DatasetParams& p, const std::string& id, int label, int n_segments, float base);

// Writes and commits one shard; returns its ShardEntry (file relative to `root`).
ShardEntry write_shard(const std::filesystem::path& root, const std::string& relative, const DatasetParams& p,
                       const std::vector<TrackFeatures>& tracks);

}  // namespace genre::data::test
