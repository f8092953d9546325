#include "data/shard.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>
#include <numeric>

#include "common/error.h"
#include "common/file_io.h"
#include "data/h5.h"

namespace genre::data {

namespace fs = std::filesystem;
using h5::Shape;

namespace {

constexpr const char* kRoot = "/";

// Rows of /segments/features per chunk: about 1 MiB a chunk (what HDF5's
// default chunk cache holds), at most 64 segments, so h5py readers slicing a
// few segments read little and the whole-shard read stays sequential.
hsize_t feature_chunk_rows(const DatasetParams& p) {
  const hsize_t row_bytes = static_cast<hsize_t>(p.frames) * static_cast<hsize_t>(p.dims) * sizeof(float);
  return std::clamp<hsize_t>((hsize_t{1} << 20) / std::max<hsize_t>(row_bytes, 1), 1, 64);
}

// Feature tables: about 1 MiB a chunk too (chunks are what carry the checksum).
hsize_t table_chunk_rows(std::size_t columns) {
  return std::max<hsize_t>((hsize_t{1} << 20) / std::max<hsize_t>(columns * sizeof(float), 1), 1);
}

std::string shape_text(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

void write_params(h5::File& f, const DatasetParams& p) {
  f.write_attr(kRoot, "schema_version", std::int64_t{p.schema_version});
  f.write_attr(kRoot, "feature", p.feature);
  f.write_attr(kRoot, "sample_rate", std::int64_t{p.sample_rate});
  f.write_attr(kRoot, "n_fft", std::int64_t{p.n_fft});
  f.write_attr(kRoot, "hop_length", std::int64_t{p.hop_length});
  f.write_attr(kRoot, "n_mels", std::int64_t{p.n_mels});
  f.write_attr(kRoot, "n_mfcc", std::int64_t{p.n_mfcc});
  f.write_attr(kRoot, "segment_s", p.segment_s);
  f.write_attr(kRoot, "segment_samples", std::int64_t{p.segment_samples});
  f.write_attr(kRoot, "pad_mode", p.pad_mode);
  f.write_attr(kRoot, "classes", p.classes);
  f.write_attr(kRoot, "genre_version", p.genre_version);
  f.write_attr(kRoot, "frames", std::int64_t{p.frames});
  f.write_attr(kRoot, "dims", std::int64_t{p.dims});
}

int int_attr(const h5::File& f, const char* name) { return static_cast<int>(f.read_attr_int(kRoot, name)); }

DatasetParams read_params(const h5::File& f) {
  DatasetParams p;
  p.schema_version = int_attr(f, "schema_version");
  if (p.schema_version != kSchemaVersion)
    throw Error(f.path().string() + ": schema_version " + std::to_string(p.schema_version) +
                ", this genre reads schema_version " + std::to_string(kSchemaVersion));
  p.feature = f.read_attr_string(kRoot, "feature");
  p.sample_rate = int_attr(f, "sample_rate");
  p.n_fft = int_attr(f, "n_fft");
  p.hop_length = int_attr(f, "hop_length");
  p.n_mels = int_attr(f, "n_mels");
  p.n_mfcc = int_attr(f, "n_mfcc");
  p.segment_s = f.read_attr_double(kRoot, "segment_s");
  p.segment_samples = static_cast<int>(f.read_attr_int(kRoot, "segment_samples"));
  p.pad_mode = f.read_attr_string(kRoot, "pad_mode");
  p.classes = f.read_attr_strings(kRoot, "classes");
  p.genre_version = f.read_attr_string(kRoot, "genre_version");
  p.frames = int_attr(f, "frames");
  p.dims = int_attr(f, "dims");
  if (f.exists("/segments/table")) p.table_columns = f.read_attr_strings("/segments/table", "columns");
  return p;
}

void expect_shape(const h5::File& f, const std::string& name, const Shape& expected) {
  const Shape got = f.shape(name);
  if (got != expected)
    throw Error(f.path().string() + ": " + name + ": shape " + shape_text(got) + ", expected " + shape_text(expected));
}

// A NaN or infinity in stored features is a damaged or badly made shard,
// not a training problem: say where, before the trainer sees a NaN loss.
// `first_row`: the shard row of v's first row; track_at(shard row): its track's id.
void check_finite(const fs::path& shard, const std::vector<float>& v, std::size_t row_size, std::size_t first_row,
                  const std::function<std::string(std::size_t)>& track_at) {
  if (row_size == 0) return;
  bool bad = false;
  for (float x : v) bad |= !(std::fabs(x) <= FLT_MAX);  // branch-free: the compiler vectorises it
  if (!bad) return;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) {
      const std::size_t row = first_row + i / row_size;
      throw Error("shard " + shard.string() + ": " + (std::isnan(v[i]) ? "NaN" : "an infinite value") +
                  " in features at row " + std::to_string(row) + " (/segments/features, track " + track_at(row) +
                  "): preprocess that track again");
    }
}

template <typename T>
void append(std::vector<T>& out, const std::vector<T>& in) {
  out.insert(out.end(), in.begin(), in.end());
}

}  // namespace

// ---------------------------------------------------------------- writer

ShardWriter::ShardWriter(fs::path final_path, DatasetParams params)
    : final_path_(std::move(final_path)), params_(std::move(params)) {
  if (!params_.valid_shape())
    throw Error(final_path_.string() + ": frames and dims must be positive, or both 0 with a table (got " + std::to_string(params_.frames) +
                ", " + std::to_string(params_.dims) + ")");
}

ShardWriter::~ShardWriter() {
  std::error_code ignored;
  fs::remove(temp_name(final_path_), ignored);
}

std::size_t ShardWriter::tracks() const { return tracks_.size(); }
std::size_t ShardWriter::segments() const { return segments_; }

void ShardWriter::add(TrackFeatures track) {
  const std::string where = final_path_.string() + ": track '" + track.info.id + "'";
  if (committed_) throw Error(where + ": shard already committed");
  const std::size_t n = track.n_segments >= 0 ? static_cast<std::size_t>(track.n_segments) : 0;
  const std::size_t per_segment = static_cast<std::size_t>(params_.frames) * static_cast<std::size_t>(params_.dims);
  const std::size_t columns = params_.table_columns.size();
  auto check = [&](const char* what, std::size_t got, std::size_t expected) {
    if (got != expected)
      throw Error(where + ": " + what + " has " + std::to_string(got) + " values, expected " + std::to_string(expected));
  };
  if (track.n_segments < 0) throw Error(where + ": negative n_segments");
  if (track.info.id.empty()) throw Error(final_path_.string() + ": a track without an id");
  if (track.info.label < 0 || track.info.label >= static_cast<int>(params_.classes.size()))
    throw Error(where + ": label " + std::to_string(track.info.label) + " is not an index into the " +
                std::to_string(params_.classes.size()) + " classes");
  check("features", track.features.size(), n * per_segment);
  check("start_s", track.start_s.size(), n);
  check("segment_table", track.segment_table.size(), n * columns);
  check("track_table", track.track_table.size(), columns);
  for (const auto& t : tracks_)
    if (t.info.id == track.info.id) throw Error(where + ": id added twice to one shard");
  track.info.n_segments = track.n_segments;
  segments_ += n;
  tracks_.push_back(std::move(track));
}

void ShardWriter::commit() {
  if (committed_) throw Error(final_path_.string() + ": shard committed twice");
  const fs::path tmp = temp_name(final_path_);  // what write_durably writes under
  const hsize_t n = segments_, m = tracks_.size();
  const hsize_t frames = static_cast<hsize_t>(params_.frames), dims = static_cast<hsize_t>(params_.dims);
  const hsize_t columns = params_.table_columns.size();

  std::vector<float> features, start_s, segment_table, track_table, duration;
  std::vector<std::int16_t> segment_label, track_label;
  std::vector<std::int32_t> segment_track, track_segments;
  std::vector<std::uint64_t> checksum, size_bytes;
  std::vector<std::string> ids, paths;
  features.reserve(n * frames * dims);
  for (std::size_t row = 0; row < tracks_.size(); ++row) {
    const TrackFeatures& t = tracks_[row];
    features.insert(features.end(), t.features.begin(), t.features.end());
    start_s.insert(start_s.end(), t.start_s.begin(), t.start_s.end());
    segment_table.insert(segment_table.end(), t.segment_table.begin(), t.segment_table.end());
    track_table.insert(track_table.end(), t.track_table.begin(), t.track_table.end());
    segment_label.insert(segment_label.end(), static_cast<std::size_t>(t.n_segments), static_cast<std::int16_t>(t.info.label));
    segment_track.insert(segment_track.end(), static_cast<std::size_t>(t.n_segments), static_cast<std::int32_t>(row));
    ids.push_back(t.info.id);
    paths.push_back(t.info.path);
    track_label.push_back(static_cast<std::int16_t>(t.info.label));
    duration.push_back(t.info.duration_s);
    checksum.push_back(t.info.checksum);
    size_bytes.push_back(t.info.size_bytes);
    track_segments.push_back(t.n_segments);
  }

  h5::File f = h5::File::create_in_memory(tmp);
  write_params(f, params_);
  f.create_group("/segments");
  f.create_group("/tracks");
  // The features (and tables) are what a flipped bit would silently change:
  // their chunks carry Fletcher32 checksums, checked on every read.
  constexpr auto kChecked = h5::Checksum::kFletcher32;
  f.write("/segments/features", features, {n, frames, dims}, feature_chunk_rows(params_), kChecked);
  f.write("/segments/label", segment_label, {n});
  f.write("/segments/track", segment_track, {n});
  f.write("/segments/start_s", start_s, {n});
  f.write_strings("/tracks/id", ids);
  f.write_strings("/tracks/path", paths);
  f.write("/tracks/label", track_label, {m});
  f.write("/tracks/duration_s", duration, {m});
  f.write("/tracks/checksum", checksum, {m});
  f.write("/tracks/size_bytes", size_bytes, {m});
  f.write("/tracks/n_segments", track_segments, {m});
  if (columns > 0) {
    f.write("/segments/table", segment_table, {n, columns}, table_chunk_rows(columns), kChecked);
    f.write_attr("/segments/table", "columns", params_.table_columns);
    f.write("/tracks/table", track_table, {m, columns}, table_chunk_rows(columns), kChecked);
    f.write_attr("/tracks/table", "columns", params_.table_columns);
  }
  // Built in memory, written by file_io: a full disk is an EnvironmentError
  // naming the shard (exit 74), the temporary is removed, and the shards
  // committed before it stay for the rerun to reuse.
  const std::string image = f.image();
  f.close();
  write_durably(final_path_, image);
  committed_ = true;
}

// ---------------------------------------------------------------- reader

ShardReader::ShardReader(fs::path path) : path_(std::move(path)) {
  const h5::File f = h5::File::open_read(path_);
  params_ = read_params(f);
  if (!params_.valid_shape())
    throw Error(path_.string() + ": frames and dims attributes must be positive (or 0 for a table-only shard)");

  const Shape label_shape = f.shape("/segments/label");
  if (label_shape.size() != 1) throw Error(path_.string() + ": /segments/label: expected 1-D, got " + shape_text(label_shape));
  const hsize_t n = label_shape[0];
  const hsize_t frames = static_cast<hsize_t>(params_.frames), dims = static_cast<hsize_t>(params_.dims);
  const hsize_t columns = params_.table_columns.size();
  const auto ids = f.read_strings("/tracks/id");
  const hsize_t m = ids.size();

  struct Expected {
    const char* name;
    H5T_class_t type;
    Shape shape;
  };
  std::vector<Expected> expected{
      {"/segments/features", H5T_FLOAT, {n, frames, dims}}, {"/segments/label", H5T_INTEGER, {n}},
      {"/segments/track", H5T_INTEGER, {n}},                {"/segments/start_s", H5T_FLOAT, {n}},
      {"/tracks/path", H5T_STRING, {m}},                    {"/tracks/label", H5T_INTEGER, {m}},
      {"/tracks/duration_s", H5T_FLOAT, {m}},               {"/tracks/checksum", H5T_INTEGER, {m}},
      {"/tracks/size_bytes", H5T_INTEGER, {m}},             {"/tracks/n_segments", H5T_INTEGER, {m}}};
  if (columns > 0) {
    expected.push_back({"/segments/table", H5T_FLOAT, {n, columns}});
    expected.push_back({"/tracks/table", H5T_FLOAT, {m, columns}});
  } else if (f.exists("/tracks/table")) {
    throw Error(path_.string() + ": /tracks/table present without /segments/table");
  }
  for (const auto& e : expected) {
    expect_shape(f, e.name, e.shape);
    if (f.type_class(e.name) != e.type)
      throw Error(path_.string() + ": " + e.name + ": expected " +
                  (e.type == H5T_FLOAT ? "floats" : e.type == H5T_INTEGER ? "integers" : "strings"));
  }

  const auto paths = f.read_strings("/tracks/path");
  const auto label = f.read<std::int16_t>("/tracks/label");
  const auto duration = f.read<float>("/tracks/duration_s");
  const auto checksum = f.read<std::uint64_t>("/tracks/checksum");
  const auto size_bytes = f.read<std::uint64_t>("/tracks/size_bytes");
  const auto n_segments = f.read<std::int32_t>("/tracks/n_segments");

  const std::int64_t total = std::accumulate(n_segments.begin(), n_segments.end(), std::int64_t{0});
  if (total != static_cast<std::int64_t>(n))
    throw Error(path_.string() + ": /tracks/n_segments sums to " + std::to_string(total) + ", /segments holds " +
                std::to_string(n) + " rows");
  tracks_.resize(m);
  for (hsize_t i = 0; i < m; ++i) {
    TrackInfo& t = tracks_[i];
    t.id = ids[i];
    t.path = paths[i];
    t.label = label[i];
    t.duration_s = duration[i];
    t.checksum = checksum[i];
    t.size_bytes = size_bytes[i];
    t.n_segments = n_segments[i];
    if (t.label < 0 || t.label >= static_cast<int>(params_.classes.size()))
      throw Error(path_.string() + ": /tracks/label: track '" + t.id + "' has label " + std::to_string(t.label) +
                  ", outside the " + std::to_string(params_.classes.size()) + " classes");
  }
  segments_ = n;
}

SegmentBlock ShardReader::read_segments() const {
  const h5::File f = h5::File::open_read(path_);
  SegmentBlock b;
  b.n = segments_;
  b.frames = static_cast<std::size_t>(params_.frames);
  b.dims = static_cast<std::size_t>(params_.dims);
  b.columns = params_.table_columns.size();
  b.features = f.read<float>("/segments/features");
  b.label = f.read<std::int16_t>("/segments/label");
  b.track = f.read<std::int32_t>("/segments/track");
  b.start_s = f.read<float>("/segments/start_s");
  if (b.columns > 0) b.table = f.read<float>("/segments/table");
  for (std::int32_t t : b.track)
    if (t < 0 || static_cast<std::size_t>(t) >= tracks_.size())
      throw Error(path_.string() + ": /segments/track: row " + std::to_string(t) + " is not in /tracks");
  check_finite(path_, b.features, b.frames * b.dims, 0,
               [&](std::size_t r) { return tracks_[static_cast<std::size_t>(b.track[r])].id; });
  return b;
}

SegmentBlock ShardReader::read_track(int row) const {
  if (row < 0 || static_cast<std::size_t>(row) >= tracks_.size())
    throw Error(path_.string() + ": no track row " + std::to_string(row));
  const h5::File f = h5::File::open_read(path_);
  const auto owner = f.read<std::int32_t>("/segments/track");
  const auto this_track = [&](std::size_t) { return tracks_[static_cast<std::size_t>(row)].id; };
  SegmentBlock b;
  b.frames = static_cast<std::size_t>(params_.frames);
  b.dims = static_cast<std::size_t>(params_.dims);
  b.columns = params_.table_columns.size();
  // The writer keeps a track's rows together, but the schema only promises
  // /segments/track, so read every run of matching rows.
  std::size_t r = 0;
  while (r < owner.size()) {
    if (owner[r] != row) {
      ++r;
      continue;
    }
    std::size_t end = r;
    while (end < owner.size() && owner[end] == row) ++end;
    const hsize_t first = r, count = end - r;
    const auto features = f.read_rows<float>("/segments/features", first, count);
    check_finite(path_, features, b.frames * b.dims, first, this_track);
    append(b.features, features);
    append(b.label, f.read_rows<std::int16_t>("/segments/label", first, count));
    append(b.start_s, f.read_rows<float>("/segments/start_s", first, count));
    if (b.columns > 0) append(b.table, f.read_rows<float>("/segments/table", first, count));
    b.track.insert(b.track.end(), count, row);
    b.n += count;
    r = end;
  }
  return b;
}

std::vector<std::int32_t> ShardReader::read_segment_tracks() const {
  const auto track = h5::File::open_read(path_).read<std::int32_t>("/segments/track");
  for (std::int32_t t : track)
    if (t < 0 || static_cast<std::size_t>(t) >= tracks_.size())
      throw Error(path_.string() + ": /segments/track: row " + std::to_string(t) + " is not in /tracks");
  return track;
}

std::vector<float> ShardReader::read_track_table() const {
  if (params_.table_columns.empty()) return {};
  return h5::File::open_read(path_).read<float>("/tracks/table");
}

// ---------------------------------------------------------------- rows

struct ShardRows::Open {
  h5::File file;
};

ShardRows::ShardRows(fs::path path) : path_(std::move(path)) {
  open_ = std::make_unique<Open>(Open{h5::File::open_read(path_)});
  const h5::File& f = open_->file;
  const Shape shape = f.shape("/segments/features");
  if (shape.size() != 3) throw Error(path_.string() + ": /segments/features: expected 3-D, got " + shape_text(shape));
  rows_ = shape[0];
  row_size_ = shape[1] * shape[2];
  chunk_rows_ = std::max<std::size_t>(rows_, 1);
  const h5::DatasetId set(H5Dopen2(f.id(), "/segments/features", H5P_DEFAULT));
  const h5::PropListId create(set ? H5Dget_create_plist(set.get()) : H5I_INVALID_HID);
  if (!create) throw Error(path_.string() + ": /segments/features: cannot read its layout: " + h5::error_stack());
  if (H5Pget_layout(create.get()) == H5D_CHUNKED) {
    hsize_t chunk[3] = {0, 0, 0};
    if (H5Pget_chunk(create.get(), 3, chunk) != 3 || chunk[0] == 0)
      throw Error(path_.string() + ": /segments/features: bad chunk layout: " + h5::error_stack());
    chunk_rows_ = chunk[0];
  }
}

ShardRows::~ShardRows() = default;
ShardRows::ShardRows(ShardRows&&) noexcept = default;
ShardRows& ShardRows::operator=(ShardRows&&) noexcept = default;

std::vector<float> ShardRows::read_features(std::size_t first, std::size_t count) const {
  return open_->file.read_rows<float>("/segments/features", first, count);
}

}  // namespace genre::data
