#include "synthetic_data.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "data/manifest.h"
#include "data/shard.h"

namespace genre::test {

namespace {

struct Track {
  std::string id;
  int label;
  std::vector<float> features, table, track_table;
};

std::string class_name(int c) { return "class" + std::to_string(c); }

std::vector<Track> make_tracks(const SyntheticSpec& s) {
  std::mt19937_64 rng(s.seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const std::size_t row = static_cast<std::size_t>(s.frames) * s.dims;
  // Smooth along time, like an MFCC profile that drifts: a per-coefficient
  // level plus a slow oscillation (white per-cell patterns would be erased by
  // the conv models' pooling).
  std::vector<std::vector<float>> pattern(s.classes, std::vector<float>(row)), column_pattern(s.classes);
  for (auto& p : pattern) {
    for (int d = 0; d < s.dims; ++d) {
      const float level = normal(rng), swing = normal(rng), phase = normal(rng);
      for (int f = 0; f < s.frames; ++f)
        p[static_cast<std::size_t>(f) * s.dims + d] = level + swing * std::sin(0.15f * static_cast<float>(f) + phase);
    }
  }
  for (auto& p : column_pattern) {
    p.resize(s.columns);
    for (auto& v : p) v = normal(rng);
  }
  std::vector<Track> tracks;
  for (int k = 0; k < s.tracks_per_class; ++k) {
    for (int c = 0; c < s.classes; ++c) {
      Track t;
      t.id = class_name(c) + "." + std::string(5 - std::to_string(k).size(), '0') + std::to_string(k);
      t.label = c;
      const float offset = 0.3f * normal(rng);
      for (int seg = 0; seg < s.segments; ++seg) {
        for (std::size_t i = 0; i < row; ++i) t.features.push_back(s.signal * pattern[c][i] + offset + normal(rng));
        for (int j = 0; j < s.columns; ++j)
          t.table.push_back(10.0f + 3.0f * (s.signal * column_pattern[c][j] + offset + normal(rng)));  // not standardised
      }
      for (int j = 0; j < s.columns; ++j) {
        float mean = 0;
        for (int seg = 0; seg < s.segments; ++seg) mean += t.table[static_cast<std::size_t>(seg) * s.columns + j];
        t.track_table.push_back(mean / static_cast<float>(s.segments));
      }
      tracks.push_back(std::move(t));
    }
  }
  return tracks;
}

// Track k of each class: k < 60% train, then 20% val, then test.
int part_of(int k, int per_class) {
  const int train = per_class * 6 / 10, val = per_class * 2 / 10;
  return k < train ? 0 : k < train + val ? 1 : 2;
}

}  // namespace

std::filesystem::path write_synthetic_dataset(const std::filesystem::path& dir, const SyntheticSpec& spec) {
  const auto tracks = make_tracks(spec);
  data::DatasetParams params;
  for (int c = 0; c < spec.classes; ++c) params.classes.push_back(class_name(c));
  params.frames = spec.frames;
  params.dims = spec.dims;
  params.n_mfcc = spec.dims;
  params.genre_version = "test";
  for (int j = 0; j < spec.columns; ++j) params.table_columns.push_back("col" + std::to_string(j));

  std::filesystem::create_directories(dir / "shards");
  data::Manifest m;
  m.params = params;
  m.split.mode = "track";
  m.split.fractions = {0.6, 0.2, 0.2};
  // Two shards, so the reader's scatter across files is exercised.
  for (int shard = 0; shard < 2; ++shard) {
    const std::string file = "shards/shard-00000-000" + std::to_string(shard) + ".h5";
    data::ShardWriter writer(dir / file, params);
    for (std::size_t i = static_cast<std::size_t>(shard); i < tracks.size(); i += 2) {
      const Track& t = tracks[i];
      data::TrackFeatures f;
      f.info.id = t.id;
      f.info.path = t.id + ".wav";
      f.info.label = t.label;
      f.info.duration_s = static_cast<float>(3 * spec.segments);
      f.n_segments = spec.segments;
      f.features = t.features;
      for (int seg = 0; seg < spec.segments; ++seg) f.start_s.push_back(3.0f * static_cast<float>(seg));
      f.segment_table = t.table;
      f.track_table = t.track_table;
      writer.add(std::move(f));
    }
    m.shards.push_back({file, writer.tracks(), writer.segments(), {}});
    writer.commit();
  }
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    const int k = static_cast<int>(i) / spec.classes;
    auto& list = part_of(k, spec.tracks_per_class) == 0 ? m.split.train : part_of(k, spec.tracks_per_class) == 1 ? m.split.val : m.split.test;
    list.push_back(tracks[i].id);
  }
  m.total_tracks = tracks.size();
  m.total_segments = tracks.size() * static_cast<std::size_t>(spec.segments);
  data::save_manifest(dir / "dataset.json", m);
  return dir / "dataset.json";
}

train::TrainingData synthetic_training_data(const SyntheticSpec& spec) {
  const auto tracks = make_tracks(spec);
  train::TrainingData d;
  d.input = train::InputKind::Features;
  d.sample_shape = {spec.frames, spec.dims};
  for (int c = 0; c < spec.classes; ++c) d.classes.push_back(class_name(c));
  d.params.classes = d.classes;
  d.params.frames = spec.frames;
  d.params.dims = spec.dims;
  for (int part = 0; part < 3; ++part) {
    std::vector<float> x;
    std::vector<std::int64_t> y;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < tracks.size(); ++i) {
      if (part_of(static_cast<int>(i) / spec.classes, spec.tracks_per_class) != part) continue;
      x.insert(x.end(), tracks[i].features.begin(), tracks[i].features.end());
      for (int seg = 0; seg < spec.segments; ++seg) {
        y.push_back(tracks[i].label);
        ids.push_back(tracks[i].id);
      }
    }
    const auto n = static_cast<std::int64_t>(y.size());
    torch::Tensor xt = torch::from_blob(x.data(), {n, spec.frames, spec.dims}, torch::kFloat).clone();
    train::PartData p = train::make_part(xt, torch::tensor(y, torch::kLong), ids);
    (part == 0 ? d.train : part == 1 ? d.val : d.test) = std::move(p);
  }
  return d;
}

}  // namespace genre::test
