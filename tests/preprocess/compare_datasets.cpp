// Test tool: compares two preprocessed datasets track by track (ids, labels,
// segment counts, features within a tolerance, split). Exit 0 when equal,
// 1 with the first difference otherwise. Prints the largest feature difference.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>

#include "common/error.h"
#include "data/dataset.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: compare_datasets A B [tolerance]\n";
    return 2;
  }
  const double tol = argc > 3 ? std::atof(argv[3]) : 1e-4;
  try {
    const auto a = genre::data::Dataset::open(argv[1]);
    const auto b = genre::data::Dataset::open(argv[2]);
    std::map<std::string, genre::data::TrackInfo> ta, tb;
    for (const auto& t : a.tracks()) ta[t.id] = t;
    for (const auto& t : b.tracks()) tb[t.id] = t;
    if (ta.size() != tb.size()) {
      std::cerr << "track counts differ: " << ta.size() << " vs " << tb.size() << "\n";
      return 1;
    }
    double worst = 0;
    for (const auto& [id, t] : ta) {
      const auto it = tb.find(id);
      if (it == tb.end()) {
        std::cerr << "track " << id << " only in " << argv[1] << "\n";
        return 1;
      }
      if (t.label != it->second.label || t.checksum != it->second.checksum || t.path != it->second.path) {
        std::cerr << "track " << id << ": label/checksum/path differ\n";
        return 1;
      }
      const auto fa = a.track_features(id), fb = b.track_features(id);
      if (fa.size() != fb.size() || fa.empty()) {
        std::cerr << "track " << id << ": " << fa.size() << " vs " << fb.size() << " feature values\n";
        return 1;
      }
      for (std::size_t i = 0; i < fa.size(); ++i) worst = std::max(worst, static_cast<double>(std::fabs(fa[i] - fb[i])));
    }
    const auto& sa = a.manifest().split;
    const auto& sb = b.manifest().split;
    if (sa.train != sb.train || sa.val != sb.val || sa.test != sb.test) {
      std::cerr << "splits differ\n";
      return 1;
    }
    std::cout << ta.size() << " tracks equal; largest feature difference " << worst << "\n";
    if (worst > tol) {
      std::cerr << "largest feature difference " << worst << " exceeds " << tol << "\n";
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "compare_datasets: " << genre::describe(e) << "\n";
    return 1;
  }
}
