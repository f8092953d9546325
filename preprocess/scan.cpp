#include "preprocess/scan.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/error.h"
#include "preprocess/csv_line.h"

namespace genre::preprocess {

namespace fs = std::filesystem;

bool is_audio_extension(const fs::path& p) {
  static const std::set<std::string> kExtensions{".wav", ".wave", ".au", ".snd", ".flac", ".ogg", ".oga",
                                                 ".opus", ".mp3", ".aif", ".aiff", ".w64", ".caf"};
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return kExtensions.count(ext) > 0;
}

namespace {

struct Candidate {
  fs::path full;
  std::string rel;
  std::string label_name;
};

// Labels, stable ids and the largest-first order, shared by both scanners.
Collection finish(fs::path root, std::vector<Candidate> candidates, std::vector<data::FailedFile> failed) {
  Collection c;
  c.root = std::move(root);
  c.failed = std::move(failed);
  std::set<std::string> names;
  for (const auto& cand : candidates) names.insert(cand.label_name);
  c.classes.assign(names.begin(), names.end());

  std::map<std::string, int> stem_count;
  for (const auto& cand : candidates) ++stem_count[cand.full.stem().string()];

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
    const std::string stem = cand.full.stem().string();
    if (stem_count[stem] == 1) {
      f.id = stem;
    } else {  // same file name in two folders: the relative path keeps ids unique
      f.id = fs::path(cand.rel).replace_extension().generic_string();
    }
    f.label = static_cast<int>(std::lower_bound(c.classes.begin(), c.classes.end(), cand.label_name) - c.classes.begin());
    f.size_bytes = size;
    c.files.push_back(std::move(f));
  }
  // Largest first, so one long file handed out last never stalls the job.
  std::sort(c.files.begin(), c.files.end(), [](const InputFile& a, const InputFile& b) {
    return a.size_bytes != b.size_bytes ? a.size_bytes > b.size_bytes : a.path < b.path;
  });
  return c;
}

}  // namespace

Collection scan_folder(const fs::path& dir) {
  std::vector<Candidate> candidates;
  std::vector<data::FailedFile> failed;
  const fs::path root = fs::canonical(dir);
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::follow_directory_symlink);
       it != fs::recursive_directory_iterator(); ++it) {
    const fs::path& p = it->path();
    if (p.filename().string().rfind('.', 0) == 0) {  // hidden files and folders
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || !is_audio_extension(p)) continue;
    const fs::path rel = fs::relative(p, root);
    if (std::distance(rel.begin(), rel.end()) < 2) {
      failed.push_back({rel.generic_string(), "not inside a class folder (expected <input>/<class>/<file>)"});
      continue;
    }
    candidates.push_back({p, rel.generic_string(), rel.begin()->string()});
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.rel < b.rel; });
  return finish(root, std::move(candidates), std::move(failed));
}

Collection scan_list(const fs::path& csv) {
  std::ifstream in(csv);
  if (!in) throw UsageError("cannot open --list " + csv.string());
  const fs::path root = fs::canonical(csv).parent_path();
  std::string line;
  if (!std::getline(in, line)) throw UsageError(csv.string() + ": empty file (expected a header with path,label)");
  const auto header = split_csv_line(line);
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
    if (!seen.insert(rel_s).second) throw UsageError(where + ": " + path + " is listed twice");
    if (!fs::is_regular_file(full)) {
      failed.push_back({rel_s, "file not found"});
      continue;
    }
    candidates.push_back({full, rel_s, label});
  }
  return finish(root, std::move(candidates), std::move(failed));
}

}  // namespace genre::preprocess
