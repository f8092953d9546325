#include "preprocess/feature_csv.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <limits>
#include <map>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "data/dataset.h"
#include "data/split.h"
#include "dsp/feature_table.h"
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

void write_row(std::ofstream& out, const std::string& name, const float* values, std::size_t n,
               const std::string& label) {
  out << name;
  for (std::size_t i = 0; i < n; ++i) out << ',' << format_value(values[i]);
  out << ',' << label << '\n';
}

// Written beside the final name and renamed, so a reader never sees half a file.
class CsvFile {
 public:
  explicit CsvFile(fs::path path) : path_(std::move(path)), tmp_(path_.string() + ".tmp"), out_(tmp_) {
    if (!out_) throw Error("cannot write " + tmp_.string());
  }
  std::ofstream& stream() { return out_; }
  void commit() {
    out_.close();
    if (!out_) throw Error("error writing " + tmp_.string());
    fs::rename(tmp_, path_);
  }
  ~CsvFile() {
    std::error_code ignored;
    if (fs::exists(tmp_)) fs::remove(tmp_, ignored);
  }

 private:
  fs::path path_, tmp_;
  std::ofstream out_;
};

// ------------------------------------------------------------------ import

std::vector<std::string> split_line(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    std::string cell = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
    cells.push_back(std::move(cell));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return cells;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "blues.00000.3.wav" -> segment 3 of "blues.00000"; "blues.00000.wav" -> the
// whole track "blues.00000" (segment -1).
struct RowName {
  std::string id;
  int segment = -1;
};

RowName parse_name(const std::string& filename) {
  std::string stem = filename;
  const auto dot = stem.rfind('.');
  if (dot != std::string::npos) stem = stem.substr(0, dot);  // the extension
  RowName r;
  r.id = stem;
  const auto last = stem.rfind('.');
  if (last != std::string::npos && stem.find('.') < last && all_digits(stem.substr(last + 1)) &&
      stem.size() - last - 1 <= 6) {
    r.id = stem.substr(0, last);
    r.segment = std::stoi(stem.substr(last + 1));
  }
  return r;
}

struct TrackRows {
  std::string label;
  std::size_t label_line = 0;
  std::map<int, std::vector<float>> segments;  // by index
  std::vector<float> whole;                    // a 30-s row
};

}  // namespace

CsvExport export_feature_csv(const fs::path& dataset, const fs::path& dir) {
  const data::Dataset ds = data::Dataset::open(dataset);
  const auto& columns = ds.manifest().params.table_columns;
  if (columns.empty())
    throw UsageError(dataset.string() + " has no feature table: make it with genre preprocess --table");
  const std::size_t nc = columns.size();
  const data::SegmentSet all = ds.load(data::Part::All);
  const auto& tracks = ds.tracks();
  // Rows of each track, by segment index.
  std::vector<std::vector<std::size_t>> rows(tracks.size());
  for (std::size_t r = 0; r < all.n; ++r) {
    auto& v = rows[static_cast<std::size_t>(all.track[r])];
    const auto k = static_cast<std::size_t>(all.segment[r]);
    if (v.size() <= k) v.resize(k + 1, std::numeric_limits<std::size_t>::max());
    v[k] = r;
  }
  std::vector<std::size_t> order(tracks.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return tracks[a].id < tracks[b].id; });

  fs::create_directories(dir);
  CsvExport result;
  CsvFile segments(dir / kSegmentCsv);
  segments.stream() << header(columns);
  for (std::size_t t : order) {
    const std::string& label = ds.classes().at(static_cast<std::size_t>(tracks[t].label));
    for (std::size_t k = 0; k < rows[t].size(); ++k) {
      const std::size_t r = rows[t][k];
      if (r == std::numeric_limits<std::size_t>::max()) continue;
      write_row(segments.stream(), tracks[t].id + "." + std::to_string(k) + ".wav", all.table.data() + r * nc, nc,
                label);
      ++result.segment_rows;
    }
  }
  segments.commit();

  CsvFile whole(dir / kTrackCsv);
  whole.stream() << header(columns);
  for (std::size_t t : order) {
    const std::vector<float> row = ds.track_table(tracks[t].id);
    if (std::all_of(row.begin(), row.end(), [](float v) { return std::isnan(v); })) continue;
    write_row(whole.stream(), tracks[t].id + ".wav", row.data(), nc,
              ds.classes().at(static_cast<std::size_t>(tracks[t].label)));
    ++result.track_rows;
  }
  if (result.track_rows > 0) whole.commit();
  return result;
}

data::Manifest import_feature_csv(const PreprocessConfig& config) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path& file = config.from_csv;
  std::ifstream in(file);
  if (!in) throw UsageError("--from-csv: cannot open " + file.string());
  const std::string where = file.string();
  auto fail = [&](std::size_t line, const std::string& what) -> UsageError {
    return UsageError(where + ":" + std::to_string(line) + ": " + what);
  };

  // Header: filename, label and every table column, each once; nothing else.
  const std::vector<std::string>& columns = dsp::FeatureTable::columns();
  std::string line;
  if (!std::getline(in, line)) throw fail(1, "empty file (expected a header: filename,length,...,label)");
  const std::vector<std::string> head = split_line(line);
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (!position.emplace(head[i], i).second) throw fail(1, "column '" + head[i] + "' appears twice");
    const bool known = head[i] == "filename" || head[i] == "label" ||
                       std::find(columns.begin(), columns.end(), head[i]) != columns.end();
    if (!known) throw fail(1, "unknown column '" + head[i] + "' (expected Kaggle's GTZAN feature columns)");
  }
  std::vector<std::string> needed{"filename"};
  needed.insert(needed.end(), columns.begin(), columns.end());
  needed.push_back("label");
  for (const auto& c : needed)
    if (!position.count(c)) throw fail(1, "missing column '" + c + "'");
  std::vector<std::size_t> value_at;
  for (const auto& c : columns) value_at.push_back(position.at(c));
  const std::size_t name_at = position.at("filename"), label_at = position.at("label");

  std::map<std::string, TrackRows> tracks;
  std::map<std::string, std::size_t> seen;  // filename -> line
  int kind = 0;                             // 1 segment rows, 2 whole-track rows
  std::size_t line_no = 1, rows = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> cells = split_line(line);
    if (cells.size() != head.size())
      throw fail(line_no, std::to_string(cells.size()) + " cells, the header has " + std::to_string(head.size()));
    const std::string& filename = cells[name_at];
    if (filename.empty()) throw fail(line_no, "column 'filename' is empty");
    const auto [it, fresh] = seen.emplace(filename, line_no);
    if (!fresh) throw fail(line_no, "duplicate row '" + filename + "' (first at line " + std::to_string(it->second) + ")");
    const RowName name = parse_name(filename);
    const int row_kind = name.segment >= 0 ? 1 : 2;
    if (kind == 0) kind = row_kind;
    if (row_kind != kind)
      throw fail(line_no, "column 'filename': '" + filename + "' is a " +
                              (row_kind == 1 ? "segment row (<id>.<k>.wav)" : "whole-track row (<id>.wav)") +
                              ", earlier rows are not: one CSV holds one kind");
    const std::string& label = cells[label_at];
    if (label.empty()) throw fail(line_no, "column 'label' is empty");
    std::vector<float> values(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const std::string& text = cells[value_at[c]];
      errno = 0;
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v))
        throw fail(line_no, "column '" + columns[c] + "': '" + text + "' is not a finite number");
      values[c] = static_cast<float>(v);
    }
    TrackRows& t = tracks[name.id];
    if (t.label.empty()) {
      t.label = label;
      t.label_line = line_no;
    } else if (t.label != label) {
      throw fail(line_no, "column 'label': '" + label + "' for track '" + name.id + "', which line " +
                              std::to_string(t.label_line) + " labels '" + t.label + "'");
    }
    if (row_kind == 1)
      t.segments.emplace(name.segment, std::move(values));
    else
      t.whole = std::move(values);
    ++rows;
  }
  if (rows == 0) throw fail(line_no, "no rows after the header");

  // Segments 0..n-1 of every track, checked before anything is written.
  for (const auto& [id, t] : tracks) {
    int expect = 0;
    for (const auto& entry : t.segments) {
      if (entry.first != expect)
        throw UsageError(where + ": track '" + id + "' has segment " + std::to_string(entry.first) +
                         " but not segment " + std::to_string(expect) + " (segments must be 0..n-1)");
      ++expect;
    }
  }

  std::set<std::string> class_set;
  for (const auto& [id, t] : tracks) class_set.insert(t.label);
  const std::vector<std::string> classes(class_set.begin(), class_set.end());

  data::DatasetParams params;
  params.feature = "table";
  params.segment_s = kind == 1 ? config.segment_seconds : 30.0;
  params.pad_mode = "reflect";  // Kaggle's tables came from librosa <= 0.8
  // Kaggle's 3 s rows analysed 66149 samples; whole-track rows vary in length.
  params.segment_samples = kind == 1 ? 66149 : 0;
  params.classes = classes;
  params.genre_version = GENRE_VERSION;
  params.frames = 0;
  params.dims = 0;
  params.n_mfcc = dsp::FeatureTable::kMfcc;
  params.n_mels = dsp::FeatureTable::kMels;
  params.table_columns = columns;

  // The output folder: fresh, or replaced with --force.
  const fs::path shard_dir = config.output / "shards";
  const bool occupied = fs::exists(config.output / "dataset.json") ||
                        (fs::exists(shard_dir) && !fs::is_empty(shard_dir));
  if (occupied && !config.force)
    throw UsageError("--output " + config.output.string() + " already holds a dataset (add --force to replace it)");
  if (occupied) {
    fs::remove_all(shard_dir);
    fs::remove(config.output / "dataset.json");
  }
  fs::create_directories(shard_dir);

  ShardSink sink(shard_dir, params, 0, 0, config.shard_tracks);
  std::vector<data::SplitTrack> split_tracks;
  std::size_t total_segments = 0;
  const std::size_t nc = columns.size();
  for (auto& [id, t] : tracks) {
    data::TrackFeatures f;
    f.info.id = id;
    f.info.path = id + ".wav";
    f.info.label = static_cast<int>(std::lower_bound(classes.begin(), classes.end(), t.label) - classes.begin());
    if (kind == 1) {
      int expect = 0;
      for (const auto& [k, values] : t.segments) {
        ++expect;
        f.segment_table.insert(f.segment_table.end(), values.begin(), values.end());
        f.start_s.push_back(static_cast<float>(k * config.segment_seconds));
      }
      f.n_segments = expect;
      f.track_table.assign(nc, std::numeric_limits<float>::quiet_NaN());
      const float length = t.segments.rbegin()->second[0];
      f.info.duration_s = static_cast<float>(
          (static_cast<double>(t.segments.rbegin()->first) * config.segment_seconds) +
          static_cast<double>(length) / config.features.stft.sample_rate);
    } else {
      f.n_segments = 1;
      f.segment_table = t.whole;
      f.track_table = t.whole;
      f.start_s.push_back(0.0f);
      f.info.duration_s = static_cast<float>(static_cast<double>(t.whole[0]) / config.features.stft.sample_rate);
    }
    split_tracks.push_back({id, f.info.label, f.n_segments});
    total_segments += static_cast<std::size_t>(f.n_segments);
    sink.add(std::move(f));
  }
  sink.flush();

  data::Manifest m;
  m.params = params;
  m.input = fs::absolute(file).string();
  m.shards = sink.committed();
  m.total_tracks = split_tracks.size();
  m.total_segments = total_segments;
  m.split = config.split_files.empty() ? data::make_split(config.split_spec, split_tracks, config.seed)
                                       : data::read_split_files(config.split_files, split_tracks);
  const std::time_t now = std::time(nullptr);
  char created[32];
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  m.created = created;
  m.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  data::save_manifest(config.output / "dataset.json", m);
  return m;
}

}  // namespace genre::preprocess
