#pragma once
// A thin layer over the HDF5 C API for the shard store: one RAII owner per id
// kind, and a File that writes/reads whole arrays, string arrays and
// attributes by path. HDF5's own error printing is switched off; every
// failure becomes a genre::Error naming the file, the object and HDF5's
// innermost message. Nothing here knows the shard schema (shard.cpp does).
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace genre::data::h5 {

// Owns one HDF5 id and closes it with the matching H5?close.
template <herr_t (*Close)(hid_t)>
class Id {
 public:
  Id() = default;
  explicit Id(hid_t id) : id_(id) {}
  ~Id() { reset(); }
  Id(Id&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  // Closes now; a failed close is reported by the caller's own check where it
  // matters (File::close), never from a destructor.
  void reset() {
    if (id_ >= 0) Close(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using FileId = Id<H5Fclose>;
using GroupId = Id<H5Gclose>;
using DatasetId = Id<H5Dclose>;
using SpaceId = Id<H5Sclose>;
using TypeId = Id<H5Tclose>;
using PropListId = Id<H5Pclose>;
using AttributeId = Id<H5Aclose>;

// Switches off HDF5's automatic printing of its error stack for the calling
// thread (File's factories call it); errors reach callers as exceptions.
void silence_errors();

// The current HDF5 error stack as one line (outermost and innermost message),
// or "" when the stack is empty.
std::string error_stack();

// Element types with an HDF5 native counterpart.
template <typename T>
hid_t native_type();
template <>
inline hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <>
inline hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <>
inline hid_t native_type<std::int16_t>() { return H5T_NATIVE_INT16; }
template <>
inline hid_t native_type<std::int32_t>() { return H5T_NATIVE_INT32; }
template <>
inline hid_t native_type<std::int64_t>() { return H5T_NATIVE_INT64; }
template <>
inline hid_t native_type<std::uint64_t>() { return H5T_NATIVE_UINT64; }

using Shape = std::vector<hsize_t>;

// Whether a dataset's chunks carry HDF5's Fletcher32 checksum: a flipped bit
// then fails the read of its chunk (File::read says "checksum mismatch")
// instead of reaching the trainer. Files written without it read as before.
enum class Checksum { kNone, kFletcher32 };

// One open HDF5 file. Object names are absolute paths ("/segments/label");
// "/" is the root group (for attributes).
class File {
 public:
  static File create(const std::filesystem::path& path);  // truncates
  // A file built in memory (HDF5's core driver, no backing store): nothing
  // reaches the disk until the caller writes image() itself. HDF5 writing a
  // file of its own on a full disk fails in its close, and the half-closed
  // file it keeps crashes the process at exit (H5F__close_cb); our writer
  // fails cleanly instead. `name` only identifies it in messages.
  static File create_in_memory(const std::filesystem::path& name);
  static File open_read(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  hid_t id() const { return id_.get(); }
  // Flushes and closes, throwing if HDF5 reports a failure (the destructor
  // closes silently).
  void close();
  // The bytes of the whole file as it stands (flushed first): what a file
  // made by create_in_memory holds.
  std::string image();

  void create_group(const std::string& name);
  // True when every link on the path exists.
  bool exists(const std::string& name) const;
  Shape shape(const std::string& name) const;
  // H5T_INTEGER, H5T_FLOAT, H5T_STRING, ... of a dataset's stored type.
  H5T_class_t type_class(const std::string& name) const;

  // A dataset of `shape` (product == data.size()). chunk_rows > 0 chunks it by
  // that many rows of the first axis, full extent in the others; a checksum
  // needs chunks (an empty dataset has none, and so no checksum).
  template <typename T>
  void write(const std::string& name, const std::vector<T>& data, const Shape& shape, hsize_t chunk_rows = 0,
             Checksum checksum = Checksum::kNone);
  // The whole dataset, converted to T by HDF5; *shape receives its extent.
  template <typename T>
  std::vector<T> read(const std::string& name, Shape* shape = nullptr) const;
  // Rows [first, first + count) of the first axis.
  template <typename T>
  std::vector<T> read_rows(const std::string& name, hsize_t first, hsize_t count) const;

  // 1-D variable-length UTF-8 strings (h5py reads them as str/bytes).
  void write_strings(const std::string& name, const std::vector<std::string>& values);
  std::vector<std::string> read_strings(const std::string& name) const;

  void write_attr(const std::string& object, const std::string& attr, std::int64_t value);
  void write_attr(const std::string& object, const std::string& attr, double value);
  void write_attr(const std::string& object, const std::string& attr, const std::string& value);
  void write_attr(const std::string& object, const std::string& attr, const std::vector<std::string>& values);
  bool has_attr(const std::string& object, const std::string& attr) const;
  std::int64_t read_attr_int(const std::string& object, const std::string& attr) const;
  double read_attr_double(const std::string& object, const std::string& attr) const;
  std::string read_attr_string(const std::string& object, const std::string& attr) const;
  std::vector<std::string> read_attr_strings(const std::string& object, const std::string& attr) const;

 private:
  File(std::filesystem::path path, FileId id) : path_(std::move(path)), id_(std::move(id)) {}
  [[noreturn]] void fail(const std::string& object, const std::string& what) const;
  void write_raw(const std::string& name, hid_t mem_type, const void* data, const Shape& shape, hsize_t chunk_rows,
                 Checksum checksum);
  [[noreturn]] void fail_read(const std::string& object, const std::string& what) const;
  void read_raw(const std::string& name, hid_t mem_type, void* data, hsize_t expected) const;
  void read_rows_raw(const std::string& name, hid_t mem_type, void* data, hsize_t first, hsize_t count,
                     hsize_t row_size) const;
  AttributeId open_attr(const std::string& object, const std::string& attr) const;
  void write_scalar_attr(const std::string& object, const std::string& attr, hid_t file_type, hid_t mem_type,
                         const void* value);

  std::filesystem::path path_;
  FileId id_;
};

hsize_t elements(const Shape& shape);

template <typename T>
void File::write(const std::string& name, const std::vector<T>& data, const Shape& shape, hsize_t chunk_rows,
                 Checksum checksum) {
  if (elements(shape) != data.size())
    fail(name, "shape holds " + std::to_string(elements(shape)) + " values, data has " + std::to_string(data.size()));
  write_raw(name, native_type<T>(), data.data(), shape, chunk_rows, checksum);
}

template <typename T>
std::vector<T> File::read(const std::string& name, Shape* shape_out) const {
  const Shape s = shape(name);
  std::vector<T> data(elements(s));
  read_raw(name, native_type<T>(), data.data(), data.size());
  if (shape_out) *shape_out = s;
  return data;
}

template <typename T>
std::vector<T> File::read_rows(const std::string& name, hsize_t first, hsize_t count) const {
  const Shape s = shape(name);
  if (s.empty() || first + count > s[0])
    fail(name, "rows " + std::to_string(first) + ".." + std::to_string(first + count) + " out of range");
  hsize_t row = 1;
  for (std::size_t i = 1; i < s.size(); ++i) row *= s[i];
  std::vector<T> data(count * row);
  read_rows_raw(name, native_type<T>(), data.data(), first, count, row);
  return data;
}

}  // namespace genre::data::h5
