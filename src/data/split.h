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
// "<mode>:<fractions>". Three numbers are train,val,test; two are train,test
// (val 0): "track:0.8,0.1,0.1", "segment:0.8,0.2". A bare mode ("track")
// keeps 0.8,0.1,0.1; bare numbers mean mode track. Fractions must be >= 0,
// train > 0, and sum to 1 (±1e-6). The result always holds three fractions.
// Throws UsageError quoting the text.
SplitSpec parse_split_spec(const std::string& text);

struct SplitTrack {
  std::string id;
  int label = 0;
  int n_segments = 0;
};

// Track mode: each class (label) is shuffled on its own (Fisher-Yates over
// mt19937_64 seeded from splitmix64(seed, label)) after sorting by id, so the
// result does not depend on the order of `tracks`, and adding a class does
// not reshuffle the others. Per class: val = round(n*f_val), test =
// round(n*f_test), train the rest; a class of >= 3 tracks gets at least one
// val and one test track when those fractions are > 0, and at least one train
// track is kept. Segment mode does the same over every "id#k" key
// (k < n_segments), stratified by the track's label; leaks = true. Lists come
// out sorted by id (then k). Throws Error for duplicate ids.
Split make_split(const SplitSpec& spec, const std::vector<SplitTrack>& tracks, std::uint64_t seed);

// Reads train.txt, val.txt (optional), test.txt from dir: one track id a line;
// blank lines and lines starting with '#' are skipped, and a path such as
// "blues/blues.00042.wav" stands for the id "blues.00042". Lists keep the
// files' order. Throws Error "<file>:<line>: ..." for ids not in `tracks` or
// listed twice; tracks listed nowhere are left out and counted in the note.
// mode "files", seed 0, fractions empty.
Split read_split_files(const std::filesystem::path& dir, const std::vector<SplitTrack>& tracks);

}  // namespace genre::data
