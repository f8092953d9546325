#pragma once
// Train/val/test splits. By track (stratified by label, seeded) by default;
// from split files; or, only to reproduce the seed notebook, by segment (which
// leaks: a track's segments land on both sides). Deterministic across
// platforms: its own Fisher-Yates on std::mt19937_64, no std::shuffle.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/manifest.h"

namespace genre::data {

struct SplitSpec {
  std::string mode = "track";  // "track" | "segment"
  std::vector<double> fractions{0.8, 0.1, 0.1};
};
// "track:0.8,0.1,0.1", "segment:0.8,0.2" (val empty -> 0); fractions must be
// >= 0 and sum to 1 (±1e-6). Throws UsageError.
SplitSpec parse_split_spec(const std::string& text);

struct SplitTrack {
  std::string id;
  int label = 0;
  int n_segments = 0;
};

// Result does not depend on the order of `tracks`.
Split make_split(const SplitSpec& spec, const std::vector<SplitTrack>& tracks, std::uint64_t seed);

// Reads train.txt, val.txt (optional), test.txt from dir: one track id a line.
// Throws Error naming the file and line for ids not in `tracks` or listed twice.
Split read_split_files(const std::filesystem::path& dir, const std::vector<SplitTrack>& tracks);

}  // namespace genre::data
