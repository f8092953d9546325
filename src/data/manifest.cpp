#include "data/manifest.h"

#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"

namespace genre::data {

using nlohmann::json;

namespace {

// Reads typed values out of one JSON object, naming the full key path
// ("params.n_fft", "shards[2].file") in every error.
class Fields {
 public:
  Fields(const json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object())
      throw Error((where_.empty() ? std::string("the document") : "key '" + where_ + "'") + " must be an object, found " +
                  j_.type_name());
  }

  template <typename T>
  T get(const char* key) const {
    const auto it = j_.find(key);
    if (it == j_.end()) throw Error("missing key '" + describe_key(key) + "'");
    return convert<T>(*it, key);
  }
  template <typename T>
  T get_or(const char* key, T fallback) const {
    const auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? fallback : convert<T>(*it, key);
  }
  const json& at(const char* key) const {
    const auto it = j_.find(key);
    if (it == j_.end()) throw Error("missing key '" + describe_key(key) + "'");
    return *it;
  }
  bool has(const char* key) const { return j_.contains(key); }
  std::string describe_key(const std::string& key) const {
    return where_.empty() ? key : key.empty() ? where_ : where_ + "." + key;
  }

 private:
  template <typename T>
  T convert(const json& v, const char* key) const {
    const bool ok = std::is_same_v<T, bool>                         ? v.is_boolean()
                    : std::is_same_v<T, std::string>                 ? v.is_string()
                    : std::is_same_v<T, std::vector<std::string>>    ? is_list_of(v, &json::is_string)
                    : std::is_same_v<T, std::vector<int>>            ? is_list_of(v, &json::is_number_integer)
                    : std::is_same_v<T, std::vector<double>>         ? is_list_of(v, &json::is_number)
                    : std::is_floating_point_v<T>                    ? v.is_number()
                    : std::is_unsigned_v<T>                          ? v.is_number_unsigned()
                                                                     : v.is_number_integer();
    if (!ok) throw Error("key '" + describe_key(key) + "' must be " + expected<T>() + ", found " + v.dump());
    return v.get<T>();
  }
  static bool is_list_of(const json& v, bool (json::*pred)() const noexcept) {
    if (!v.is_array()) return false;
    for (const auto& e : v)
      if (!(e.*pred)()) return false;
    return true;
  }
  template <typename T>
  static const char* expected() {
    if constexpr (std::is_same_v<T, bool>) return "true or false";
    else if constexpr (std::is_same_v<T, std::string>) return "a string";
    else if constexpr (std::is_same_v<T, std::vector<std::string>>) return "a list of strings";
    else if constexpr (std::is_same_v<T, std::vector<int>>) return "a list of integers";
    else if constexpr (std::is_same_v<T, std::vector<double>>) return "a list of numbers";
    else if constexpr (std::is_floating_point_v<T>) return "a number";
    else if constexpr (std::is_unsigned_v<T>) return "a non-negative integer";
    else return "an integer";
  }

  const json& j_;
  std::string where_;
};

json params_json(const DatasetParams& p) {
  return {{"schema_version", p.schema_version},
          {"feature", p.feature},
          {"sample_rate", p.sample_rate},
          {"n_fft", p.n_fft},
          {"hop_length", p.hop_length},
          {"n_mels", p.n_mels},
          {"n_mfcc", p.n_mfcc},
          {"segment_s", p.segment_s},
          {"segment_samples", p.segment_samples},
          {"pad_mode", p.pad_mode},
          {"classes", p.classes},
          {"genre_version", p.genre_version},
          {"frames", p.frames},
          {"dims", p.dims},
          {"table_columns", p.table_columns}};
}

DatasetParams params_from(const json& j) {
  const Fields f(j, "params");
  DatasetParams p;
  p.schema_version = f.get<int>("schema_version");
  if (p.schema_version != kSchemaVersion)
    throw Error("params.schema_version is " + std::to_string(p.schema_version) + ", this genre reads " +
                std::to_string(kSchemaVersion));
  p.feature = f.get<std::string>("feature");
  p.sample_rate = f.get<int>("sample_rate");
  p.n_fft = f.get<int>("n_fft");
  p.hop_length = f.get<int>("hop_length");
  p.n_mels = f.get<int>("n_mels");
  p.n_mfcc = f.get<int>("n_mfcc");
  p.segment_s = f.get<double>("segment_s");
  p.segment_samples = f.get<int>("segment_samples");
  p.pad_mode = f.get<std::string>("pad_mode");
  p.classes = f.get<std::vector<std::string>>("classes");
  p.genre_version = f.get_or<std::string>("genre_version", "");
  p.frames = f.get<int>("frames");
  p.dims = f.get<int>("dims");
  p.table_columns = f.get_or<std::vector<std::string>>("table_columns", {});
  return p;
}

json split_json(const Split& s) {
  return {{"mode", s.mode}, {"seed", s.seed},   {"fractions", s.fractions}, {"leaks", s.leaks},
          {"note", s.note}, {"train", s.train}, {"val", s.val},             {"test", s.test}};
}

Split split_from(const json& j) {
  const Fields f(j, "split");
  Split s;
  s.mode = f.get<std::string>("mode");
  if (s.mode != "track" && s.mode != "segment" && s.mode != "files")
    throw Error("split.mode must be track, segment or files, found '" + s.mode + "'");
  s.seed = f.get_or<std::uint64_t>("seed", s.seed);
  s.fractions = f.get_or<std::vector<double>>("fractions", {});
  s.leaks = f.get_or<bool>("leaks", s.mode == "segment");
  s.note = f.get_or<std::string>("note", "");
  s.train = f.get<std::vector<std::string>>("train");
  s.val = f.get_or<std::vector<std::string>>("val", {});
  s.test = f.get<std::vector<std::string>>("test");
  return s;
}

const json& array_at(const Fields& f, const char* key) {
  const json& a = f.at(key);
  if (!a.is_array()) throw Error("key '" + f.describe_key(key) + "' must be a list, found " + a.dump());
  return a;
}

}  // namespace

json to_json(const Manifest& m) {
  json shards = json::array();
  for (const auto& s : m.shards)
    shards.push_back({{"file", s.file}, {"tracks", s.tracks}, {"segments", s.segments}, {"stale_rows", s.stale_rows}});
  json failed = json::array();
  for (const auto& f : m.failed) failed.push_back({{"path", f.path}, {"reason", f.reason}});
  json timing = json::array();
  for (const auto& t : m.rank_timing)
    timing.push_back({{"rank", t.rank}, {"files", t.files}, {"work_s", t.work_s}, {"write_s", t.write_s},
                      {"done_s", t.done_s}});
  return {{"params", params_json(m.params)},
          {"input", m.input},
          {"total_tracks", m.total_tracks},
          {"total_segments", m.total_segments},
          {"reused_tracks", m.reused_tracks},
          {"ranks", m.ranks},
          {"wall_s", m.wall_s},
          {"tracks_per_s", m.tracks_per_s},
          {"plan_s", m.plan_s},
          {"rank_timing", timing},
          {"created", m.created},
          {"shards", shards},
          {"failed", failed},
          {"split", split_json(m.split)}};
}

namespace {

// A shard's file is read, and replaced on a rerun, relative to the dataset
// folder: an absolute name or one that climbs out with ".." is refused.
void require_inside(const std::string& file, const std::string& key) {
  if (file.empty()) throw Error("key '" + key + "' is empty");
  const std::filesystem::path p = std::filesystem::path(file).lexically_normal();
  if (p.has_root_path() || (!p.empty() && *p.begin() == ".."))
    throw Error("key '" + key + "': '" + file + "' points outside the dataset folder (shards are named relative to it)");
}

}  // namespace

Manifest manifest_from_json(const json& j) {
  const Fields f(j, "");
  Manifest m;
  m.params = params_from(f.at("params"));
  m.input = f.get_or<std::string>("input", "");
  const json& shards = array_at(f, "shards");
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const Fields s(shards[i], "shards[" + std::to_string(i) + "]");
    ShardEntry e;
    e.file = s.get<std::string>("file");
    require_inside(e.file, s.describe_key("file"));
    e.tracks = s.get<std::size_t>("tracks");
    e.segments = s.get<std::size_t>("segments");
    e.stale_rows = s.get_or<std::vector<int>>("stale_rows", {});
    m.shards.push_back(std::move(e));
  }
  if (f.has("failed")) {
    const json& failed = array_at(f, "failed");
    for (std::size_t i = 0; i < failed.size(); ++i) {
      const Fields x(failed[i], "failed[" + std::to_string(i) + "]");
      m.failed.push_back({x.get<std::string>("path"), x.get<std::string>("reason")});
    }
  }
  m.split = split_from(f.at("split"));
  m.total_tracks = f.get_or<std::size_t>("total_tracks", 0);
  m.total_segments = f.get_or<std::size_t>("total_segments", 0);
  m.reused_tracks = f.get_or<std::size_t>("reused_tracks", 0);
  m.ranks = f.get_or<int>("ranks", 1);
  m.wall_s = f.get_or<double>("wall_s", 0.0);
  m.tracks_per_s = f.get_or<double>("tracks_per_s", 0.0);
  m.plan_s = f.get_or<double>("plan_s", 0.0);
  if (f.has("rank_timing")) {
    const json& timing = array_at(f, "rank_timing");
    for (std::size_t i = 0; i < timing.size(); ++i) {
      const Fields t(timing[i], "rank_timing[" + std::to_string(i) + "]");
      m.rank_timing.push_back({t.get<int>("rank"), t.get<std::size_t>("files"), t.get<double>("work_s"),
                               t.get<double>("write_s"), t.get<double>("done_s")});
    }
  }
  m.created = f.get_or<std::string>("created", "");
  return m;
}

void save_manifest(const std::filesystem::path& file, const Manifest& m) {
  write_durably(file, to_json(m).dump(2) + "\n");
}

Manifest load_manifest(const std::filesystem::path& file) {
  try {
    if (!std::filesystem::exists(file)) throw Error("does not exist (genre preprocess writes it with the dataset)");
    const std::string text = read_file(file);
    json j;
    try {
      j = json::parse(text);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for a number too large
      throw Error(std::string("not valid JSON: ") + e.what());
    }
    return manifest_from_json(j);
  } catch (const Error&) {
    rethrow_with_context(file.string());
  }
}

}  // namespace genre::data
