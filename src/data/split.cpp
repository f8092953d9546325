#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <unordered_map>

#include "common/error.h"
#include "common/random.h"

namespace genre::data {

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_on(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return parts;
    start = pos + 1;
  }
}

struct Counts {
  std::size_t train = 0, val = 0, test = 0;
};

// Per-class part sizes: rounded shares, but a class of >= 3 items gets at
// least one val and one test item whenever those fractions are non-zero, and
// keeps at least one training item whenever train's is.
Counts class_counts(std::size_t n, const std::vector<double>& f) {
  Counts c;
  c.val = static_cast<std::size_t>(std::llround(static_cast<double>(n) * f[1]));
  c.test = static_cast<std::size_t>(std::llround(static_cast<double>(n) * f[2]));
  if (n >= 3) {
    if (f[1] > 0 && c.val == 0) c.val = 1;
    if (f[2] > 0 && c.test == 0) c.test = 1;
  }
  const std::size_t keep = (f[0] > 0 && n > 0) ? 1 : 0;
  while (c.val + c.test + keep > n) {
    if (c.val >= c.test && c.val > 0)
      --c.val;
    else
      --c.test;
  }
  c.train = n - c.val - c.test;
  return c;
}

std::vector<double> three_fractions(const SplitSpec& spec) {
  const auto& f = spec.fractions;
  if (f.size() == 3) return f;
  if (f.size() == 2) return {f[0], 0.0, f[1]};
  throw Error("split fractions: expected train,test or train,val,test, got " + std::to_string(f.size()) + " numbers");
}

// One unit of a split: a whole track (k == -1) or one segment of it.
struct Unit {
  std::size_t track;  // index into the id-sorted tracks
  int k;
};

}  // namespace

SplitSpec parse_split_spec(const std::string& text) {
  const std::string t = trim(text);
  const std::string where = "split '" + text + "'";
  SplitSpec spec;
  std::string numbers = t;
  const auto colon = t.find(':');
  if (colon != std::string::npos) {
    spec.mode = trim(t.substr(0, colon));
    numbers = trim(t.substr(colon + 1));
  } else if (t == "track" || t == "segment") {
    spec.mode = t;
    return spec;
  }
  if (spec.mode != "track" && spec.mode != "segment")
    throw UsageError(where + ": mode must be 'track' or 'segment', e.g. track:0.8,0.1,0.1");
  std::vector<double> f;
  for (const auto& part : split_on(numbers, ',')) {
    const std::string p = trim(part);
    char* end = nullptr;
    const double v = std::strtod(p.c_str(), &end);
    if (p.empty() || end != p.c_str() + p.size() || !std::isfinite(v))
      throw UsageError(where + ": '" + p + "' is not a number");
    if (v < 0) throw UsageError(where + ": fractions must be >= 0");
    f.push_back(v);
  }
  if (f.size() != 2 && f.size() != 3)
    throw UsageError(where + ": give train,test or train,val,test fractions, e.g. track:0.8,0.1,0.1");
  spec.fractions = f;
  spec.fractions = three_fractions(spec);
  double sum = 0;
  for (double v : spec.fractions) sum += v;
  if (std::fabs(sum - 1.0) > 1e-6) throw UsageError(where + ": fractions sum to " + std::to_string(sum) + ", not 1");
  if (spec.fractions[0] <= 0) throw UsageError(where + ": the train fraction must be > 0");
  return spec;
}

Split make_split(const SplitSpec& spec, const std::vector<SplitTrack>& tracks, std::uint64_t seed) {
  if (spec.mode != "track" && spec.mode != "segment")
    throw Error("split mode must be 'track' or 'segment', got '" + spec.mode + "'");
  const std::vector<double> fractions = three_fractions(spec);
  const bool by_segment = spec.mode == "segment";

  // Sorting first makes the result independent of the order tracks arrive in.
  std::vector<SplitTrack> sorted = tracks;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (std::size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i].id == sorted[i - 1].id) throw Error("split: track id '" + sorted[i].id + "' appears twice");

  std::map<int, std::vector<Unit>> by_label;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    auto& units = by_label[sorted[i].label];
    if (!by_segment)
      units.push_back({i, -1});
    else
      for (int k = 0; k < sorted[i].n_segments; ++k) units.push_back({i, k});
  }

  std::vector<Unit> parts[3];
  std::size_t small_classes = 0;
  for (auto& [label, units] : by_label) {
    // Each class draws from its own stream, so adding a class does not
    // reshuffle the others.
    Random rng(splitmix64(seed ^ splitmix64(static_cast<std::uint64_t>(static_cast<std::int64_t>(label)))));
    rng.shuffle(units);
    const Counts c = class_counts(units.size(), fractions);
    if (units.size() < 3) ++small_classes;
    parts[0].insert(parts[0].end(), units.begin(), units.begin() + static_cast<std::ptrdiff_t>(c.train));
    parts[1].insert(parts[1].end(), units.begin() + static_cast<std::ptrdiff_t>(c.train),
                    units.begin() + static_cast<std::ptrdiff_t>(c.train + c.val));
    parts[2].insert(parts[2].end(), units.begin() + static_cast<std::ptrdiff_t>(c.train + c.val), units.end());
  }

  Split split;
  split.mode = spec.mode;
  split.seed = seed;
  split.fractions = fractions;
  split.leaks = by_segment;
  std::vector<std::string>* out[3] = {&split.train, &split.val, &split.test};
  for (int p = 0; p < 3; ++p) {
    // Listed in id (then segment) order: readable, and the order Dataset loads.
    std::sort(parts[p].begin(), parts[p].end(),
              [](const Unit& a, const Unit& b) { return a.track != b.track ? a.track < b.track : a.k < b.k; });
    for (const Unit& u : parts[p])
      out[p]->push_back(u.k < 0 ? sorted[u.track].id : sorted[u.track].id + "#" + std::to_string(u.k));
  }
  if (by_segment) {
    split.note =
        "segment-level split (reproduces the seed notebook): it LEAKS, segments of one track land in several "
        "parts, so val/test accuracy is optimistic";
  } else {
    split.note = "stratified by label, seed " + std::to_string(seed);
    if (small_classes > 0 && (fractions[1] > 0 || fractions[2] > 0))
      split.note += "; " + std::to_string(small_classes) +
                    " class(es) with fewer than 3 tracks may lack val/test tracks";
  }
  return split;
}

Split read_split_files(const fs::path& dir, const std::vector<SplitTrack>& tracks) {
  std::unordered_map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < tracks.size(); ++i)
    if (!by_id.emplace(tracks[i].id, i).second) throw Error("split: track id '" + tracks[i].id + "' appears twice");
  // Accept "blues/blues.00042.wav" for "blues.00042": published split files
  // (e.g. GTZAN's fault-filtered one) list paths rather than ids.
  auto resolve = [&](const std::string& entry) -> const std::string* {
    const auto hit = [&](const std::string& s) -> const std::string* {
      const auto it = by_id.find(s);
      return it == by_id.end() ? nullptr : &it->first;
    };
    if (const auto* id = hit(entry)) return id;
    const std::string base = entry.substr(entry.find_last_of('/') + 1);
    if (const auto* id = hit(base)) return id;
    const auto dot = base.find_last_of('.');
    return dot == std::string::npos ? nullptr : hit(base.substr(0, dot));
  };

  Split split;
  split.mode = "files";
  split.seed = 0;
  std::unordered_map<std::string, std::string> listed_at;  // id -> "file:line"
  const std::pair<const char*, std::vector<std::string>*> files[] = {
      {"train.txt", &split.train}, {"val.txt", &split.val}, {"test.txt", &split.test}};
  for (const auto& [name, out] : files) {
    const fs::path file = dir / name;
    if (!fs::exists(file)) {
      if (std::string(name) == "val.txt") continue;
      throw Error(file.string() + ": missing (split files are train.txt, test.txt and optionally val.txt)");
    }
    std::ifstream in(file);
    if (!in) throw Error(file.string() + ": cannot open");
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const std::string entry = trim(line);
      if (entry.empty() || entry[0] == '#') continue;
      const std::string where = file.string() + ":" + std::to_string(number);
      const std::string* id = resolve(entry);
      if (!id) throw Error(where + ": unknown track id '" + entry + "'");
      const auto [it, fresh] = listed_at.emplace(*id, where);
      if (!fresh) throw Error(where + ": track '" + *id + "' is already listed at " + it->second);
      out->push_back(*id);
    }
  }
  const std::size_t left_out = tracks.size() - listed_at.size();
  split.note = "from split files in " + dir.string();
  if (left_out > 0) split.note += "; " + std::to_string(left_out) + " track(s) not listed in any file are left out";
  return split;
}

}  // namespace genre::data
