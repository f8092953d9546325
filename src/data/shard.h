#pragma once
// HDF5 shards (DESIGN.md, "Data contracts"). A ShardWriter buffers tracks in
// memory and commit() writes them to "<name>.tmp" and renames it, so a shard
// that exists under its final name is complete. Readable with plain h5py.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset_params.h"

namespace genre::data {

struct TrackInfo {
  std::string id;    // e.g. "blues.00042"
  std::string path;  // relative to the dataset root
  int label = -1;
  float duration_s = 0;
  std::uint64_t checksum = 0;    // content hash of the file's bytes
  std::uint64_t size_bytes = 0;  // file size, with checksum the resume key
  int n_segments = 0;  // rows of /segments belonging to this track (/tracks/n_segments)
};

struct TrackFeatures {
  TrackInfo info;    // info.n_segments is set from n_segments by ShardWriter::add
  int n_segments = 0;
  std::vector<float> features;       // n_segments * frames * dims
  std::vector<float> start_s;        // n_segments
  std::vector<float> segment_table;  // n_segments * columns, or empty
  std::vector<float> track_table;    // columns, or empty
};

class ShardWriter {
 public:
  ShardWriter(std::filesystem::path final_path, DatasetParams params);
  ~ShardWriter();  // removes a leftover temporary file if commit() was not reached
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Checks sizes against the params (throws Error naming the track); ids
  // must be unique within the shard and labels index params.classes.
  void add(TrackFeatures track);
  std::size_t tracks() const;
  std::size_t segments() const;
  const std::filesystem::path& path() const { return final_path_; }
  // Writes everything to "<final>.tmp", flushes and fsyncs it, renames it to
  // the final path (replacing an older file). Once only.
  void commit();

 private:
  std::filesystem::path final_path_;
  DatasetParams params_;
  std::vector<TrackFeatures> tracks_;
  std::size_t segments_ = 0;
  bool committed_ = false;
};

// All of one shard's segments, in file order.
struct SegmentBlock {
  std::size_t n = 0, frames = 0, dims = 0, columns = 0;
  std::vector<float> features;     // n * frames * dims
  std::vector<std::int16_t> label;  // n
  std::vector<std::int32_t> track;  // n, row in tracks()
  std::vector<float> start_s;       // n
  std::vector<float> table;         // n * columns, or empty
};

class ShardReader {
 public:
  // Reads the attributes and /tracks and checks every dataset's presence,
  // type class and shape; throws Error naming the file and the object.
  explicit ShardReader(std::filesystem::path path);
  const DatasetParams& params() const { return params_; }
  const std::vector<TrackInfo>& tracks() const { return tracks_; }
  std::size_t segments() const { return segments_; }
  SegmentBlock read_segments() const;
  // The segments of one row of tracks() (reads only those rows).
  SegmentBlock read_track(int row) const;
  std::vector<float> read_track_table() const;  // tracks * columns, or empty
  // /segments/track alone: each row's track (a row of tracks()), checked.
  std::vector<std::int32_t> read_segment_tracks() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  DatasetParams params_;
  std::vector<TrackInfo> tracks_;
  std::size_t segments_ = 0;
};

// One shard held open for reading /segments/features a run of rows at a time:
// what a streaming reader does chunk after chunk, where reopening the file
// for every read would cost as much as the read. Errors name the file.
class ShardRows {
 public:
  explicit ShardRows(std::filesystem::path path);
  ~ShardRows();
  ShardRows(ShardRows&&) noexcept;
  ShardRows& operator=(ShardRows&&) noexcept;
  // Rows of /segments/features per HDF5 chunk, the unit HDF5 reads (and, with
  // a filter, checks): reading whole chunks reads every byte once. All rows
  // when the dataset is stored contiguously.
  std::size_t chunk_rows() const { return chunk_rows_; }
  std::size_t rows() const { return rows_; }
  std::size_t row_size() const { return row_size_; }  // floats per row (frames * dims)
  // Rows [first, first + count), row after row.
  std::vector<float> read_features(std::size_t first, std::size_t count) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Open;
  std::filesystem::path path_;
  std::unique_ptr<Open> open_;
  std::size_t chunk_rows_ = 0, rows_ = 0, row_size_ = 0;
};

}  // namespace genre::data
