#include "data/dataset.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <set>

#include "common/error.h"

namespace genre::data {

namespace fs = std::filesystem;

Part parse_part(const std::string& s) {
  if (s == "train") return Part::Train;
  if (s == "val") return Part::Val;
  if (s == "test") return Part::Test;
  if (s == "all") return Part::All;
  throw UsageError("unknown part '" + s + "' (train, val, test or all)");
}

namespace {

struct SegmentKey {
  std::string id;
  int k = 0;
};

// "blues.00042#7" -> {"blues.00042", 7}
SegmentKey parse_key(const std::string& key) {
  const auto hash = key.rfind('#');
  const std::string digits = hash == std::string::npos ? "" : key.substr(hash + 1);
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
    throw Error("segment key '" + key + "' is not of the form <track id>#<segment>");
  return {key.substr(0, hash), std::stoi(digits)};
}

const std::vector<std::string>& part_list(const Split& s, Part part) {
  switch (part) {
    case Part::Train: return s.train;
    case Part::Val: return s.val;
    default: return s.test;
  }
}

}  // namespace

Dataset Dataset::open(const fs::path& path) {
  const fs::path file = fs::is_directory(path) ? path / "dataset.json" : path;
  Dataset d;
  d.root_ = file.parent_path();
  d.manifest_ = load_manifest(file);
  const DatasetParams& params = d.manifest_.params;

  for (std::size_t s = 0; s < d.manifest_.shards.size(); ++s) {
    const ShardEntry& entry = d.manifest_.shards[s];
    const fs::path shard = d.root_ / entry.file;
    const std::string where = file.string() + ": shard " + entry.file;
    if (!fs::exists(shard)) throw Error(where + " does not exist");
    std::optional<ShardReader> reader;
    try {
      reader.emplace(shard);
    } catch (const Error&) {
      rethrow_with_context(where);
    }
    if (!reader->params().same_features_as(params))
      throw Error(where + " was made with other parameters: " + reader->params().differences(params));
    if (reader->tracks().size() != entry.tracks || reader->segments() != entry.segments)
      throw Error(where + " holds " + std::to_string(reader->tracks().size()) + " tracks and " +
                  std::to_string(reader->segments()) + " segments, dataset.json says " + std::to_string(entry.tracks) +
                  " and " + std::to_string(entry.segments));
    const std::set<int> stale(entry.stale_rows.begin(), entry.stale_rows.end());
    for (int row : stale)
      if (row < 0 || static_cast<std::size_t>(row) >= entry.tracks)
        throw Error(where + ": stale row " + std::to_string(row) + " out of range");
    for (std::size_t row = 0; row < reader->tracks().size(); ++row) {
      if (stale.count(static_cast<int>(row))) continue;
      const TrackInfo& t = reader->tracks()[row];
      if (!d.by_id_.emplace(t.id, d.tracks_.size()).second)
        throw Error(where + ": track '" + t.id + "' is also live in " +
                    d.manifest_.shards[d.where_[d.by_id_.at(t.id)].shard].file);
      d.tracks_.push_back(t);
      d.where_.push_back({s, static_cast<int>(row)});
    }
  }

  // Every id the split names must resolve now, not halfway through training.
  const Split& split = d.manifest_.split;
  for (const auto* list : {&split.train, &split.val, &split.test}) {
    for (const auto& entry : *list) {
      if (split.mode == "segment") {
        const SegmentKey key = parse_key(entry);
        const auto it = d.by_id_.find(key.id);
        if (it == d.by_id_.end() || key.k >= d.tracks_[it->second].n_segments)
          throw Error(file.string() + ": split lists segment '" + entry + "', which no live shard row holds");
      } else if (!d.by_id_.count(entry)) {
        throw Error(file.string() + ": split lists track '" + entry + "', which no live shard row holds");
      }
    }
  }
  return d;
}

Dataset::Plan Dataset::plan(Part part) const {
  // Output position of each wanted (track, segment), in the split's order,
  // grouped by track in order of first appearance.
  Plan plan;
  auto& pos = plan.pos;
  pos.resize(tracks_.size());
  auto want = [&](std::size_t t, int k) {
    auto& p = pos[t];
    if (p.empty()) {
      p.assign(static_cast<std::size_t>(tracks_[t].n_segments), -1);
      plan.order.push_back(t);
    }
    if (k < 0) {
      std::fill(p.begin(), p.end(), 0);
    } else {
      if (p[static_cast<std::size_t>(k)] >= 0)
        throw Error("split lists segment " + tracks_[t].id + "#" + std::to_string(k) + " twice");
      p[static_cast<std::size_t>(k)] = 0;
    }
  };
  const Split& split = manifest_.split;
  if (part == Part::All) {
    for (std::size_t t = 0; t < tracks_.size(); ++t) want(t, -1);
  } else if (split.mode == "segment") {
    for (const auto& entry : part_list(split, part)) {
      const SegmentKey key = parse_key(entry);
      want(by_id_.at(key.id), key.k);
    }
  } else {
    for (const auto& id : part_list(split, part)) {
      const std::size_t t = by_id_.at(id);
      if (!pos[t].empty()) throw Error("split lists track '" + id + "' twice");
      want(t, -1);
    }
  }
  for (std::size_t t : plan.order)
    for (long& p : pos[t])
      if (p >= 0) p = static_cast<long>(plan.n++);
  return plan;
}

// For each shard, its rows' tracks (row of /tracks -> index into tracks_, -1
// when not wanted); empty for shards the plan needs nothing from.
std::vector<std::vector<long>> Dataset::shard_tracks(const Plan& p) const {
  std::vector<std::vector<long>> row_track(manifest_.shards.size());
  for (std::size_t t : p.order) {
    auto& rows = row_track[where_[t].shard];
    if (rows.empty()) rows.assign(manifest_.shards[where_[t].shard].tracks, -1);
    rows[static_cast<std::size_t>(where_[t].row)] = static_cast<long>(t);
  }
  return row_track;
}

template <class Place>
void Dataset::place_rows(const Plan& p, const std::vector<long>& shard_tracks,
                         const std::vector<std::int32_t>& row_track, const fs::path& file, Place place) const {
  std::vector<int> seen(shard_tracks.size(), 0);
  for (std::size_t r = 0; r < row_track.size(); ++r) {
    const auto shard_row = static_cast<std::size_t>(row_track[r]);
    const int k = seen[shard_row]++;
    const long t = shard_tracks[shard_row];
    if (t < 0) continue;
    const auto& pos = p.pos[static_cast<std::size_t>(t)];
    if (static_cast<std::size_t>(k) >= pos.size())
      throw Error(file.string() + ": track '" + tracks_[static_cast<std::size_t>(t)].id +
                  "' has more segment rows than /tracks/n_segments says");
    const long o = pos[static_cast<std::size_t>(k)];
    if (o >= 0) place(static_cast<std::size_t>(o), r);
  }
}

SegmentSet Dataset::load(Part part) const {
  const Plan p = plan(part);
  SegmentSet out;
  out.n = p.n;
  out.frames = static_cast<std::size_t>(manifest_.params.frames);
  out.dims = static_cast<std::size_t>(manifest_.params.dims);
  out.columns = manifest_.params.table_columns.size();
  for (std::size_t t : p.order)
    for (const long& o : p.pos[t])
      if (o >= 0) {
        out.label.push_back(tracks_[t].label);
        out.track.push_back(static_cast<int>(t));
        out.segment.push_back(static_cast<int>(&o - p.pos[t].data()));
      }
  const std::size_t row = out.frames * out.dims;
  out.features.resize(out.n * row);
  out.table.resize(out.n * out.columns);

  // Each needed shard is read once and scattered into place, so memory peaks
  // at the result plus one shard.
  const auto row_track = shard_tracks(p);
  for (std::size_t s = 0; s < row_track.size(); ++s) {
    if (row_track[s].empty()) continue;
    const ShardReader reader(root_ / manifest_.shards[s].file);
    const SegmentBlock block = reader.read_segments();
    place_rows(p, row_track[s], block.track, reader.path(), [&](std::size_t dst, std::size_t r) {
      std::memcpy(out.features.data() + dst * row, block.features.data() + r * row, row * sizeof(float));
      if (out.columns > 0)
        std::memcpy(out.table.data() + dst * out.columns, block.table.data() + r * out.columns,
                    out.columns * sizeof(float));
    });
  }
  return out;
}

SegmentIndex Dataset::index(Part part) const {
  const Plan p = plan(part);
  SegmentIndex out;
  out.label.resize(p.n);
  out.track.resize(p.n);
  out.shard.resize(p.n);
  out.row.resize(p.n);
  for (std::size_t t : p.order)
    for (const long o : p.pos[t])
      if (o >= 0) {
        out.label[static_cast<std::size_t>(o)] = tracks_[t].label;
        out.track[static_cast<std::size_t>(o)] = static_cast<int>(t);
      }
  const auto row_track = shard_tracks(p);
  for (std::size_t s = 0; s < row_track.size(); ++s) {
    if (row_track[s].empty()) continue;
    const ShardReader reader(root_ / manifest_.shards[s].file);
    place_rows(p, row_track[s], reader.read_segment_tracks(), reader.path(), [&](std::size_t dst, std::size_t r) {
      out.shard[dst] = static_cast<std::uint32_t>(s);
      out.row[dst] = static_cast<std::uint32_t>(r);
    });
  }
  return out;
}

std::vector<float> Dataset::track_features(const std::string& id) const {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) throw Error("dataset has no track '" + id + "'");
  const Location& loc = where_[it->second];
  return ShardReader(root_ / manifest_.shards[loc.shard].file).read_track(loc.row).features;
}

std::vector<float> Dataset::track_table(const std::string& id) const {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) throw Error("dataset has no track '" + id + "'");
  const std::size_t columns = manifest_.params.table_columns.size();
  if (columns == 0) return {};
  const Location& loc = where_[it->second];
  const auto all = ShardReader(root_ / manifest_.shards[loc.shard].file).read_track_table();
  const auto first = all.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(loc.row) * columns);
  return {first, first + static_cast<std::ptrdiff_t>(columns)};
}

std::vector<float> Dataset::track_tables() const {
  const std::size_t columns = manifest_.params.table_columns.size();
  if (columns == 0) return {};
  std::vector<float> out(tracks_.size() * columns);
  std::vector<std::vector<std::size_t>> of_shard(manifest_.shards.size());
  for (std::size_t t = 0; t < tracks_.size(); ++t) of_shard[where_[t].shard].push_back(t);
  for (std::size_t s = 0; s < of_shard.size(); ++s) {
    if (of_shard[s].empty()) continue;
    const auto all = ShardReader(root_ / manifest_.shards[s].file).read_track_table();
    for (std::size_t t : of_shard[s])
      std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(where_[t].row) * columns),
                  columns, out.begin() + static_cast<std::ptrdiff_t>(t * columns));
  }
  return out;
}

}  // namespace genre::data
