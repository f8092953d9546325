#include "preprocess/scan.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "audio/file_walk.h"
#include "common/error.h"
#include "common/text.h"
#include "preprocess/csv_line.h"

namespace genre::preprocess {

namespace fs = std::filesystem;

namespace {

struct Candidate {
  fs::path full;
  std::string rel;
  std::string label_name;
};

// Track ids: the file stem, or the relative path without extension when two
// folders hold the same file name (unique once drop_second_formats ran).
void assign_ids(std::vector<InputFile>& files) {
  std::map<std::string, int> stem_count;
  for (const auto& f : files) ++stem_count[f.full.stem().string()];
  for (auto& f : files) {
    const std::string stem = f.full.stem().string();
    f.id = stem_count[stem] == 1 ? stem : fs::path(f.path).replace_extension().generic_string();
  }
}

// One name in two formats (a.mp3 beside a.flac) would give one track id to
// two files, which fails only after every file was decoded (and would let one
// track sit in train and test): the first file in order keeps the track, the
// others are failed entries naming it.
void drop_second_formats(std::vector<InputFile>& files, std::vector<data::FailedFile>& failed) {
  std::map<std::string, std::string> owner;  // path without extension -> path
  std::vector<InputFile> kept;
  for (auto& f : files) {
    const auto [it, fresh] = owner.emplace(fs::path(f.path).replace_extension().generic_string(), f.path);
    if (fresh)
      kept.push_back(std::move(f));
    else
      failed.push_back({f.path, "the same track id as " + it->second + " (one track in two formats?); that one is used"});
  }
  files = std::move(kept);
}

// Labels, stable ids and the largest-first order, shared by both scanners.
// `candidates` are in the scanner's order: of two files with one id, the
// earlier is kept.
Collection finish(fs::path root, std::vector<Candidate> candidates, std::vector<data::FailedFile> failed) {
  Collection c;
  c.root = std::move(root);
  c.failed = std::move(failed);
  std::set<std::string> names;
  for (const auto& cand : candidates) names.insert(cand.label_name);
  c.classes.assign(names.begin(), names.end());

  for (auto& cand : candidates) {
    std::error_code ec;
    const auto size = fs::file_size(cand.full, ec);
    if (ec) {
      c.failed.push_back({cand.rel, "cannot read file: " + ec.message()});
      continue;
    }
    InputFile f;
    f.path = cand.rel;
    f.full = cand.full;
    f.label = static_cast<int>(std::lower_bound(c.classes.begin(), c.classes.end(), cand.label_name) - c.classes.begin());
    f.size_bytes = size;
    c.files.push_back(std::move(f));
  }
  drop_second_formats(c.files, c.failed);
  assign_ids(c.files);
  // Largest first, so one long file handed out last never stalls the job.
  std::sort(c.files.begin(), c.files.end(), [](const InputFile& a, const InputFile& b) {
    return a.size_bytes != b.size_bytes ? a.size_bytes > b.size_bytes : a.path < b.path;
  });
  return c;
}

// The folder every relative path is taken from goes into dataset.json and
// into the plan sent to the ranks, both JSON: it must be UTF-8.
void require_utf8_root(const fs::path& root, const std::string& option) {
  if (!is_valid_utf8(root.string()))
    throw UsageError(option + ": the path " + shown(root.string(), 400) +
                     " is not valid UTF-8 (bytes shown as \\xNN); rename the folder or link to it under a UTF-8 name");
}

constexpr const char* kNotUtf8 = "is not valid UTF-8 (bytes shown as \\xNN): rename it";

}  // namespace

Collection scan_folder(const fs::path& dir) {
  const fs::path root = fs::canonical(dir);
  require_utf8_root(root, "--input");
  const audio::AudioFiles found = audio::find_audio_files(root);
  std::vector<data::FailedFile> failed;
  for (const auto& skipped : found.skipped)
    failed.push_back({utf8_escaped(skipped.path.lexically_relative(root).generic_string()), utf8_escaped(skipped.reason)});
  std::vector<Candidate> candidates;
  for (const fs::path& p : found.files) {
    // Relative by name, not by fs::relative, which resolves links: a file
    // reached through a linked folder keeps the path it was found under.
    const fs::path rel = p.lexically_relative(root);
    const std::string rel_s = rel.generic_string(), label = rel.begin()->string();
    if (std::distance(rel.begin(), rel.end()) < 2)
      failed.push_back({utf8_escaped(rel_s), "not inside a class folder (expected <input>/<class>/<file>)"});
    else if (!is_valid_utf8(label))
      failed.push_back({utf8_escaped(rel_s), std::string("the class folder's name ") + kNotUtf8});
    else if (!is_valid_utf8(rel_s))
      failed.push_back({utf8_escaped(rel_s), std::string("the file's name ") + kNotUtf8});
    else
      candidates.push_back({p, rel_s, label});
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.rel < b.rel; });
  return finish(root, std::move(candidates), std::move(failed));
}

Collection scan_list(const fs::path& csv) {
  std::ifstream in(csv);
  if (!in) throw UsageError("cannot open --list " + csv.string());
  const fs::path root = fs::canonical(csv).parent_path();
  require_utf8_root(root, "--list");
  std::string line;
  if (!std::getline(in, line)) throw UsageError(csv.string() + ": empty file (expected a header with path,label)");
  const auto header = split_csv_header(line);
  const auto col = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw UsageError(csv.string() + ":1: no '" + name + "' column in the header");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t path_col = col("path"), label_col = col("label");
  std::vector<Candidate> candidates;
  std::vector<data::FailedFile> failed;
  std::set<std::string> seen;
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (line.empty() || line == "\r") continue;
    const auto cells = split_csv_line(line);
    const std::string where = csv.string() + ":" + std::to_string(line_no);
    if (cells.size() != header.size())
      throw UsageError(where + ": " + std::to_string(cells.size()) + " cells, the header has " +
                       std::to_string(header.size()));
    const std::string& path = cells[path_col];
    const std::string& label = cells[label_col];
    if (path.empty()) throw UsageError(where + ": empty path");
    if (label.empty()) throw UsageError(where + ": empty label");
    fs::path full = fs::path(path).is_absolute() ? fs::path(path) : root / path;
    std::error_code ec;
    fs::path rel = fs::relative(full, root, ec);
    const std::string rel_s =
        (ec || rel.empty() || rel.begin()->string() == "..") ? full.generic_string() : rel.generic_string();
    if (!seen.insert(rel_s).second) throw UsageError(where + ": " + shown(path) + " is listed twice");
    if (!is_valid_utf8(rel_s)) {
      failed.push_back({utf8_escaped(rel_s), std::string("the file's name ") + kNotUtf8});
      continue;
    }
    if (!is_valid_utf8(label)) {
      failed.push_back({rel_s, "label '" + shown(label) + "' is not valid UTF-8 (bytes shown as \\xNN)"});
      continue;
    }
    if (!fs::is_regular_file(full)) {
      failed.push_back({rel_s, "file not found"});
      continue;
    }
    candidates.push_back({full, rel_s, label});
  }
  return finish(root, std::move(candidates), std::move(failed));
}

}  // namespace genre::preprocess
