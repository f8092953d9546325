#include "preprocess/resume.h"

#include <algorithm>
#include <regex>

#include "common/error.h"
#include "data/shard.h"

namespace genre::preprocess {

namespace fs = std::filesystem;

PriorOutput inspect_output(const fs::path& output, const data::DatasetParams& params, bool force) {
  PriorOutput prior;
  const fs::path shard_dir = output / "shards";
  if (force) {
    if (fs::exists(shard_dir)) fs::remove_all(shard_dir);
    fs::remove(output / "dataset.json");
  }
  if (!fs::exists(shard_dir)) {
    fs::create_directories(shard_dir);
    return prior;
  }

  static const std::regex kName(R"(shard-(\d{5})-(\d{4,})\.h5)");
  std::vector<fs::path> shards;
  for (const auto& entry : fs::directory_iterator(shard_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) {
      fs::remove(entry.path());  // a shard a killed run never finished
      ++prior.removed_temporaries;
      continue;
    }
    std::smatch m;
    if (!std::regex_match(name, m, kName)) continue;
    const int rank = std::stoi(m[1]), seq = std::stoi(m[2]);
    prior.next_sequence[rank] = std::max(prior.next_sequence[rank], seq + 1);
    shards.push_back(entry.path());
  }
  std::sort(shards.begin(), shards.end());
  for (const auto& path : shards) {
    const data::ShardReader reader(path);
    if (!reader.params().same_features_as(params))
      throw UsageError("output folder " + output.string() + " holds shards made with other parameters (" +
                       reader.params().differences(params) + ", e.g. " + path.filename().string() +
                       "); use --force to redo everything or choose another --output");
    const std::size_t index = prior.shards.size();
    prior.shards.push_back({"shards/" + path.filename().string(), reader.tracks().size(), reader.segments(), {}});
    prior.row_paths.emplace_back();
    prior.track_segments.emplace_back();
    for (std::size_t row = 0; row < reader.tracks().size(); ++row) {
      const auto& t = reader.tracks()[row];
      prior.row_paths.back().push_back(t.path);
      prior.track_segments.back().push_back(t.n_segments);
      prior.by_path.emplace(t.path, PriorTrack{index, static_cast<int>(row), {t.size_bytes, t.checksum}});
    }
  }
  return prior;
}

std::vector<data::ShardEntry> live_prior_shards(const fs::path& output, const PriorOutput& prior,
                                                const std::unordered_set<std::string>& reused_paths) {
  std::vector<data::ShardEntry> live;
  for (std::size_t i = 0; i < prior.shards.size(); ++i) {
    data::ShardEntry entry = prior.shards[i];
    for (std::size_t row = 0; row < prior.row_paths[i].size(); ++row) {
      const std::string& path = prior.row_paths[i][row];
      const auto it = prior.by_path.find(path);
      const bool owner = it != prior.by_path.end() && it->second.shard == i && it->second.row == static_cast<int>(row);
      if (!owner || reused_paths.count(path) == 0) entry.stale_rows.push_back(static_cast<int>(row));
    }
    if (entry.stale_rows.size() == prior.row_paths[i].size())
      fs::remove(output / entry.file);  // nothing in it is current any more
    else
      live.push_back(std::move(entry));
  }
  return live;
}

}  // namespace genre::preprocess
