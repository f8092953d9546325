#pragma once
// One shard's per-segment feature table without its features: what a table
// export (genre preprocess --export-csv) reads shard by shard, so that it
// never holds more than a few shards' tables (57 floats a segment) however
// large the dataset.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace genre::data {

struct ShardTable {
  std::size_t columns = 0;
  std::vector<float> table;  // rows * columns, row = row of /segments
  std::size_t rows() const { return columns ? table.size() / columns : 0; }
};

// /segments/table of one shard; empty (columns 0) when it has none. Throws
// Error naming the file.
ShardTable read_shard_table(const std::filesystem::path& shard);

}  // namespace genre::data
