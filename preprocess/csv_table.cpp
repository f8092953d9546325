#include "preprocess/csv_table.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "dsp/feature_table.h"
#include "preprocess/csv_line.h"

namespace genre::preprocess {

namespace fs = std::filesystem;

namespace {

UsageError at(const fs::path& file, std::size_t line, const std::string& what) {
  return UsageError(file.string() + ":" + std::to_string(line) + ": " + what);
}

std::string stem_of(const std::string& filename) {
  const auto dot = filename.rfind('.');
  const auto slash = filename.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return filename;
  return filename.substr(0, dot);
}

// "<id>.<k>" with k a plain integer ("0", "7", "12"; not "00000"): segment k
// of track <id>. False for anything else.
bool segment_name(const std::string& filename, std::string* id, int* k) {
  const std::string stem = stem_of(filename);
  const auto dot = stem.rfind('.');
  if (dot == std::string::npos || dot == 0) return false;
  const std::string digits = stem.substr(dot + 1);
  if (digits.empty() || digits.size() > 6 || (digits.size() > 1 && digits[0] == '0')) return false;
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  *id = stem.substr(0, dot);
  *k = std::stoi(digits);
  return true;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

CsvFileRows read_feature_csv(const fs::path& file, const std::vector<std::string>& classes) {
  std::ifstream in(file);
  if (!in) throw UsageError("--from-csv: cannot open " + file.string());

  // Header: filename, label and every table column, each once; nothing else.
  const std::vector<std::string>& columns = dsp::FeatureTable::columns();
  std::string line;
  if (!std::getline(in, line)) throw at(file, 1, "empty file (expected a header: filename,length,...,label)");
  const std::vector<std::string> head = split_csv_header(line);
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (!position.emplace(head[i], i).second) throw at(file, 1, "column '" + shown(head[i]) + "' appears twice");
    const bool known = head[i] == "filename" || head[i] == "label" ||
                       std::find(columns.begin(), columns.end(), head[i]) != columns.end();
    if (!known) throw at(file, 1, "unknown column '" + shown(head[i]) + "' (expected Kaggle's GTZAN feature columns)");
  }
  std::vector<std::string> needed{"filename"};
  needed.insert(needed.end(), columns.begin(), columns.end());
  needed.push_back("label");
  for (const auto& c : needed)
    if (!position.count(c)) throw at(file, 1, "missing column '" + c + "'");
  std::vector<std::size_t> value_at;
  for (const auto& c : columns) value_at.push_back(position.at(c));
  const std::size_t name_at = position.at("filename"), label_at = position.at("label");
  const std::set<std::string> allowed(classes.begin(), classes.end());

  CsvFileRows out;
  out.file = file;
  std::map<std::string, std::size_t> seen;  // filename -> line
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> cells = split_csv_line(line);
    if (cells.size() != head.size())
      throw at(file, line_no, std::to_string(cells.size()) + " cells, the header has " + std::to_string(head.size()));
    CsvRow row;
    row.line = line_no;
    row.filename = cells[name_at];
    row.label = cells[label_at];
    if (row.filename.empty()) throw at(file, line_no, "column 'filename' is empty");
    const auto [it, fresh] = seen.emplace(row.filename, line_no);
    if (!fresh)
      throw at(file, line_no,
               "duplicate row '" + shown(row.filename) + "' (first at line " + std::to_string(it->second) + ")");
    if (row.label.empty()) throw at(file, line_no, "column 'label' is empty");
    // Names go into the shards and dataset.json (JSON: UTF-8 only).
    const auto require_utf8 = [&](const char* column, const std::string& text) {
      if (!is_valid_utf8(text))
        throw at(file, line_no,
                 std::string("column '") + column + "': '" + shown(text) + "' is not valid UTF-8 (bytes shown as \\xNN)");
    };
    require_utf8("filename", row.filename);
    require_utf8("label", row.label);
    if (!allowed.empty() && !allowed.count(row.label))
      throw at(file, line_no, "column 'label': '" + shown(row.label) + "' is not one of --classes (" + joined(classes) + ")");
    row.values.resize(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const std::string& text = cells[value_at[c]];
      errno = 0;
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v))
        throw at(file, line_no, "column '" + columns[c] + "': '" + shown(text) + "' is not a finite number");
      row.values[c] = static_cast<float>(v);
    }
    out.rows.push_back(std::move(row));
  }
  if (out.rows.empty()) throw at(file, line_no, "no rows after the header");
  return out;
}

CsvRowKind detect_kind(const CsvFileRows& csv, std::size_t segment_samples) {
  const float length = csv.rows.front().values.front();
  for (const CsvRow& row : csv.rows) {
    std::string id;
    int k = 0;
    if (!segment_name(row.filename, &id, &k) || row.values.front() != length) return CsvRowKind::Track;
  }
  const auto stride = static_cast<float>(segment_samples);
  if (length == stride || length == stride - 1) return CsvRowKind::Segment;
  throw at(csv.file, csv.rows.front().line,
           "the rows look like segments (<id>.<k>.wav, every one " + std::to_string(std::lround(length)) +
               " samples long) but --segment-seconds gives segments of " + std::to_string(segment_samples) +
               " samples (or one less, as Kaggle's): pass the --segment-seconds the CSV was made with");
}

void add_rows(const CsvFileRows& csv, CsvRowKind kind, CsvTracks& tracks) {
  std::map<std::string, std::map<int, const CsvRow*>> segments;  // this file's, by index
  for (const CsvRow& row : csv.rows) {
    std::string id = stem_of(row.filename);
    int k = -1;
    if (kind == CsvRowKind::Segment && !segment_name(row.filename, &id, &k))
      throw at(csv.file, row.line, "column 'filename': '" + shown(row.filename) + "' is not a segment row (<id>.<k>.wav)");
    CsvTrack& t = tracks[id];
    if (t.label.empty()) {
      t.label = row.label;
      t.file = csv.file;
      t.line = row.line;
    } else if (t.label != row.label) {
      throw at(csv.file, row.line,
               "column 'label': '" + shown(row.label) + "' for track '" + shown(id) + "', which " +
                   (t.file == csv.file ? "" : t.file.string() + " ") + "line " + std::to_string(t.line) +
                   " labels '" + shown(t.label) + "'");
    }
    if (kind == CsvRowKind::Segment) {
      segments[id][k] = &row;
    } else {
      if (!t.whole.empty())
        throw at(csv.file, row.line,
                 "track '" + shown(id) + "' has a whole-track row already ('" + shown(row.filename) + "')");
      t.whole = row.values;
    }
  }
  for (auto& [id, rows] : segments) {
    CsvTrack& t = tracks.at(id);
    int expect = 0;
    for (const auto& [k, row] : rows) {
      if (k != expect)
        throw at(csv.file, row->line,
                 "track '" + shown(id) + "' has segment " + std::to_string(k) + " but not segment " +
                     std::to_string(expect) + " (segments must be 0..n-1)");
      t.segments.push_back(row->values);
      ++expect;
    }
  }
}

}  // namespace genre::preprocess
