#include "preprocess/feature_csv.h"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "data/dataset.h"
#include "data/shard_table.h"
#include "common/file_io.h"
#include "data/split.h"
#include "dsp/feature_table.h"
#include "preprocess/csv_table.h"
#include "preprocess/shard_sink.h"

namespace genre::preprocess {

namespace fs = std::filesystem;

namespace {

// ------------------------------------------------------------------ export

std::string format_value(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  return buf;
}

std::string header(const std::vector<std::string>& columns) {
  std::string h = "filename";
  for (const auto& c : columns) h += "," + c;
  return h + ",label\n";
}

void append_row(std::string& out, const std::string& name, const float* values, std::size_t n,
                const std::string& label) {
  out += name;
  for (std::size_t i = 0; i < n; ++i) out += ',' + format_value(values[i]);
  out += ',' + label + '\n';
}

// A CSV written row by row under its temporary name and published whole by
// finish(), so an export holds one line at a time, and a reader never sees
// half a file; the temporary is removed when finish() is never reached.
class CsvFile {
 public:
  CsvFile(fs::path final_path, const std::string& header)
      : final_(std::move(final_path)), tmp_(temp_name(final_)), file_(std::fopen(tmp_.c_str(), "wb")) {
    if (!file_) throw_errno(tmp_.string() + ": cannot create", errno);
    put(header);
  }
  ~CsvFile() {
    if (!file_) return;
    std::fclose(file_);
    std::error_code ignored;
    fs::remove(tmp_, ignored);
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  void row(const std::string& name, const float* values, std::size_t n, const std::string& label) {
    line_.clear();
    append_row(line_, name, values, n, label);
    put(line_);
    ++rows_;
  }
  std::size_t rows() const { return rows_; }
  // Publishes the file; with no rows, removes it and an earlier export's
  // file of that name, so the folder never mixes two datasets.
  void finish() {
    if (std::fclose(std::exchange(file_, nullptr)) != 0) throw_errno(tmp_.string() + ": cannot write", errno);
    if (rows_ > 0) return publish(tmp_, final_);
    fs::remove(tmp_);
    if (fs::exists(final_)) {
      fs::remove(final_);
      spdlog::info("removed {}: this dataset has no such rows", final_.string());
    }
  }

 private:
  void put(const std::string& text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size())
      throw_errno(tmp_.string() + ": cannot write", errno);
  }
  fs::path final_, tmp_;
  std::FILE* file_;
  std::string line_;
  std::size_t rows_ = 0;
};

// The tables of the last few shards the export asked for. Rows are asked in
// track-id order; preprocess writes neighbouring ids into few shards, so few
// shards are read more than once, and memory stays at `keep` shards' tables.
class TableCache {
 public:
  TableCache(const data::Dataset& ds, std::size_t keep) : ds_(ds), keep_(keep) {}
  const float* row(std::uint32_t shard, std::uint32_t row) {
    auto it = std::find_if(held_.begin(), held_.end(), [&](const auto& h) { return h.first == shard; });
    if (it == held_.end()) {
      if (held_.size() == keep_) held_.erase(held_.begin());
      held_.emplace_back(shard, data::read_shard_table(ds_.shard_path(shard)));
      it = held_.end() - 1;
    }
    const data::ShardTable& t = it->second;
    if (row >= t.rows() || t.columns != ds_.manifest().params.table_columns.size())
      throw Error(ds_.shard_path(shard).string() + ": /segments/table has no row " + std::to_string(row) + " of " +
                  std::to_string(ds_.manifest().params.table_columns.size()) + " columns");
    return t.table.data() + static_cast<std::size_t>(row) * t.columns;
  }

 private:
  const data::Dataset& ds_;
  std::size_t keep_;
  std::vector<std::pair<std::uint32_t, data::ShardTable>> held_;  // least recently read first
};

// ------------------------------------------------------------------ import

// The dataset's parameters for the imported rows. Segment rows are segments
// of --segment-seconds analysed with --pad-mode, except Kaggle's 66149-sample
// rows, which librosa <= 0.8 padded by reflection (issue #3's measurement).
data::DatasetParams imported_params(const PreprocessConfig& config, bool segments, float segment_length,
                                    std::vector<std::string> classes) {
  data::DatasetParams p;
  p.feature = "table";
  p.segment_s = segments ? config.segment_seconds : 30.0;
  p.segment_samples = segments ? static_cast<int>(std::lround(segment_length)) : 0;
  const bool kaggle = segments && p.segment_samples + 1 == static_cast<int>(config.segment_samples());
  p.pad_mode = kaggle ? "reflect" : dsp::to_string(config.features.stft.pad_mode);
  p.classes = std::move(classes);
  p.genre_version = GENRE_VERSION;
  p.frames = 0;
  p.dims = 0;
  p.n_mfcc = dsp::FeatureTable::kMfcc;
  p.n_mels = dsp::FeatureTable::kMels;
  p.table_columns = dsp::FeatureTable::columns();
  return p;
}

// The output folder: fresh, or emptied with --force.
void prepare_output(const PreprocessConfig& config) {
  const fs::path shard_dir = config.output / "shards";
  const bool occupied = fs::exists(config.output / "dataset.json") ||
                        (fs::exists(shard_dir) && !fs::is_empty(shard_dir));
  if (occupied && !config.force)
    throw UsageError("--output " + config.output.string() + " already holds a dataset (add --force to replace it)");
  if (occupied) {
    fs::remove(config.output / "dataset.json");
    fs::remove_all(shard_dir);
  }
  fs::create_directories(shard_dir);
}

// One track's rows as the shard stores them: its segments (or, from a 30-s
// CSV alone, the whole-track row as its one segment) and its whole-track row
// (NaN when only segments are known).
data::TrackFeatures track_features(const std::string& id, const CsvTrack& t, int label, bool segments,
                                   const PreprocessConfig& config) {
  const std::size_t nc = dsp::FeatureTable::columns().size();
  const double rate = config.features.stft.sample_rate;
  data::TrackFeatures f;
  f.info.id = id;
  f.info.path = id + ".wav";
  f.info.label = label;
  f.track_table = t.whole.empty() ? std::vector<float>(nc, std::numeric_limits<float>::quiet_NaN()) : t.whole;
  if (segments) {
    for (std::size_t k = 0; k < t.segments.size(); ++k) {
      f.segment_table.insert(f.segment_table.end(), t.segments[k].begin(), t.segments[k].end());
      f.start_s.push_back(static_cast<float>(static_cast<double>(k) * config.segment_seconds));
    }
    f.n_segments = static_cast<int>(t.segments.size());
    f.info.duration_s = t.whole.empty()
                            ? static_cast<float>(static_cast<double>(t.segments.size() - 1) * config.segment_seconds +
                                                 static_cast<double>(t.segments.back()[0]) / rate)
                            : static_cast<float>(static_cast<double>(t.whole[0]) / rate);
  } else {
    f.n_segments = 1;
    f.segment_table = t.whole;
    f.start_s.push_back(0.0f);
    f.info.duration_s = static_cast<float>(static_cast<double>(t.whole[0]) / rate);
  }
  return f;
}

}  // namespace

// Streams: the segments are located from /segments/track alone
// (Dataset::index) and their table rows read a shard at a time, so memory
// holds a few shards' tables and one line, never the dataset's features.
CsvExport export_feature_csv(const fs::path& dataset, const fs::path& dir) {
  const data::Dataset ds = data::Dataset::open(dataset);
  const auto& params = ds.manifest().params;
  const auto& columns = params.table_columns;
  if (columns.empty())
    throw UsageError(dataset.string() + " has no feature table: make it with genre preprocess --table");
  const std::size_t nc = columns.size();
  const auto& tracks = ds.tracks();
  std::vector<std::size_t> order(tracks.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return tracks[a].id < tracks[b].id; });
  auto label_of = [&](std::size_t t) { return ds.classes().at(static_cast<std::size_t>(tracks[t].label)); };

  fs::create_directories(dir);
  CsvFile segment_csv(dir / kSegmentCsv, header(columns)), track_csv(dir / kTrackCsv, header(columns));
  // A dataset imported from a 30-s CSV alone holds whole tracks as its
  // segments (segment_samples 0): they are not 3-s rows.
  if (params.segment_samples > 0) {
    // Part::All: every track in tracks() order, its segments by index.
    const data::SegmentIndex where = ds.index(data::Part::All);
    std::vector<std::size_t> first(tracks.size());
    for (std::size_t t = 0, pos = 0; t < tracks.size(); pos += static_cast<std::size_t>(tracks[t].n_segments), ++t)
      first[t] = pos;
    TableCache tables(ds, 16);
    for (std::size_t t : order)
      for (int k = 0; k < tracks[t].n_segments; ++k) {
        const std::size_t i = first[t] + static_cast<std::size_t>(k);
        segment_csv.row(tracks[t].id + "." + std::to_string(k) + ".wav", tables.row(where.shard[i], where.row[i]), nc,
                        label_of(t));
      }
  }
  // Whole-track rows: one per track (not per segment), read a shard at a time.
  const std::vector<float> whole = ds.track_tables();
  for (std::size_t t : order) {
    const float* row = whole.data() + t * nc;
    if (std::isnan(row[0])) continue;  // unknown: imported from a 3-s CSV alone
    track_csv.row(tracks[t].id + ".wav", row, nc, label_of(t));
  }
  const CsvExport result{segment_csv.rows(), track_csv.rows()};
  segment_csv.finish();
  track_csv.finish();
  return result;
}

data::Manifest import_feature_csv(const PreprocessConfig& config) {
  const auto start = std::chrono::steady_clock::now();
  // Both files are read and checked before anything is written.
  CsvTracks tracks;
  int files_of[2] = {0, 0};  // segment files, track files
  float segment_length = 0;
  for (const fs::path& file : config.from_csv) {
    const CsvFileRows csv = read_feature_csv(file, config.classes);
    const CsvRowKind kind = detect_kind(csv, config.segment_samples());
    const bool segments = kind == CsvRowKind::Segment;
    if (++files_of[segments ? 0 : 1] > 1)
      throw UsageError("--from-csv: " + file.string() + " holds " + (segments ? "segment" : "whole-track") +
                       " rows like the file before it; give one file of 3-s rows and/or one of whole-track rows");
    if (segments) segment_length = csv.rows.front().values.front();
    add_rows(csv, kind, tracks);
    spdlog::info("{}: {} {} rows", file.string(), csv.rows.size(), segments ? "segment" : "whole-track");
  }
  const bool segments = files_of[0] > 0;
  if (segments && files_of[1] > 0) {
    // Both kinds: a track needs its segments; a missing whole-track row is NaN.
    std::size_t without_segments = 0, without_whole = 0;
    for (auto it = tracks.begin(); it != tracks.end();) {
      without_whole += it->second.whole.empty();
      if (it->second.segments.empty()) {
        ++without_segments;
        it = tracks.erase(it);
      } else {
        ++it;
      }
    }
    if (without_segments)
      spdlog::warn("{} track(s) have a whole-track row but no segment rows: left out", without_segments);
    if (without_whole)
      spdlog::warn("{} track(s) have segment rows but no whole-track row: data.input track_table cannot use them",
                   without_whole);
  }

  std::set<std::string> class_set;
  for (const auto& [id, t] : tracks) class_set.insert(t.label);
  const std::vector<std::string> classes(class_set.begin(), class_set.end());
  const data::DatasetParams params = imported_params(config, segments, segment_length, classes);

  prepare_output(config);
  ShardSink sink(config.output / "shards", params, 0, 0, config.shard_tracks);
  std::vector<data::SplitTrack> split_tracks;
  std::size_t total_segments = 0;
  for (const auto& [id, t] : tracks) {
    const int label = static_cast<int>(std::lower_bound(classes.begin(), classes.end(), t.label) - classes.begin());
    data::TrackFeatures f = track_features(id, t, label, segments, config);
    split_tracks.push_back({id, label, f.n_segments});
    total_segments += static_cast<std::size_t>(f.n_segments);
    sink.add(std::move(f));
  }
  sink.flush();

  data::Manifest m;
  m.params = params;
  for (const fs::path& file : config.from_csv) m.input += (m.input.empty() ? "" : " ") + fs::absolute(file).string();
  m.shards = sink.committed();
  m.total_tracks = split_tracks.size();
  m.total_segments = total_segments;
  m.split = config.split_files.empty() ? data::make_split(config.split_spec, split_tracks, config.seed)
                                       : data::read_split_files(config.split_files, split_tracks);
  m.created = utc_now();
  m.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  data::save_manifest(config.output / "dataset.json", m);
  return m;
}

}  // namespace genre::preprocess
