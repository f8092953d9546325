#include "data_fixtures.h"

namespace genre::data::test {

DatasetParams test_params(bool table, std::vector<std::string> classes) {
  DatasetParams p;
  p.classes = std::move(classes);
  p.genre_version = "0.1.0-test";
  if (table) p.table_columns = {"chroma_stft_mean", "rms_mean", "tempo"};
  return p;
}

float feature_value(float base, int segment, std::size_t i) {
  return base + 0.25f * static_cast<float>(segment) + 0.001f * static_cast<float>(i % 97);
}

float table_value(float base, int segment, std::size_t column) {
  return -base - 10.0f * static_cast<float>(segment + 1) - static_cast<float>(column);
}

TrackFeatures make_track(const DatasetParams& p, const std::string& id, int label, int n_segments, float base) {
  TrackFeatures t;
  t.info.id = id;
  t.info.path = p.classes.at(static_cast<std::size_t>(label)) + "/" + id + ".wav";
  t.info.label = label;
  t.info.duration_s = 3.0f * static_cast<float>(n_segments) + 0.5f;
  t.info.checksum = 0xFEDCBA9876543210ull ^ static_cast<std::uint64_t>(base * 1000);
  t.info.size_bytes = 1000000ull + static_cast<std::uint64_t>(base);
  t.n_segments = n_segments;
  const std::size_t row = static_cast<std::size_t>(p.frames) * static_cast<std::size_t>(p.dims);
  const std::size_t columns = p.table_columns.size();
  for (int k = 0; k < n_segments; ++k) {
    for (std::size_t i = 0; i < row; ++i) t.features.push_back(feature_value(base, k, i));
    t.start_s.push_back(3.0f * static_cast<float>(k));
    for (std::size_t c = 0; c < columns; ++c) t.segment_table.push_back(table_value(base, k, c));
  }
  for (std::size_t c = 0; c < columns; ++c) t.track_table.push_back(table_value(base, -1, c));
  return t;
}

ShardEntry write_shard(const std::filesystem::path& root, const std::string& relative, const DatasetParams& p,
                       const std::vector<TrackFeatures>& tracks) {
  std::filesystem::create_directories((root / relative).parent_path());
  ShardWriter w(root / relative, p);
  for (const auto& t : tracks) w.add(t);
  w.commit();
  return {relative, w.tracks(), w.segments(), {}};
}

}  // namespace genre::data::test
