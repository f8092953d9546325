#include "data/h5.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"

namespace genre::data::h5 {

void silence_errors() {
  // The setting is per thread in thread-safe builds (Debian's is one), so it
  // is made on every open, by the thread that will see the errors; it is
  // idempotent and cheap.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

namespace {

bool contains_ignoring_case(const std::string& text, const std::string& part) {
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  return lower(text).find(lower(part)) != std::string::npos;
}

herr_t collect(unsigned, const H5E_error2_t* err, void* out) {
  auto& lines = *static_cast<std::vector<std::string>*>(out);
  std::string line = err->desc ? err->desc : "";
  // Some of HDF5's descriptions hold newlines (a ctime() string): one line.
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  while (!line.empty() && line.back() == ' ') line.pop_back();
  char minor[128] = "";
  // The minor message often repeats the description ("unable to open file"
  // / "Unable to open file"); add it only when it says something new.
  if (H5Eget_msg(err->min_num, nullptr, minor, sizeof minor) > 0 && !contains_ignoring_case(line, minor))
    line += line.empty() ? std::string(minor) : " (" + std::string(minor) + ")";
  lines.push_back(line);
  return 0;
}

TypeId string_type(H5T_cset_t cset = H5T_CSET_UTF8) {
  TypeId t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), cset);
  return t;
}

// Memory handed out by HDF5 for variable-length data goes back through HDF5.
void reclaim(hid_t type, hid_t space, void* buf) {
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(type, space, H5P_DEFAULT, buf);
#else
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
#endif
}

std::string shape_text(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

PropListId file_access() {
  PropListId fapl(H5Pcreate(H5P_FILE_ACCESS));
  // Lock where the file system supports it, carry on where it does not
  // (Lustre and some NFS mounts refuse flock; shards are never written in place).
  H5Pset_file_locking(fapl.get(), 1, 1);
  return fapl;
}

// Reads the strings of an attribute or dataset whose file type is `ftype`
// (variable-length or fixed-length), calling `read(memtype, buffer)`.
template <typename ReadFn>
std::vector<std::string> read_string_values(hid_t ftype, hid_t space, hsize_t n, ReadFn read) {
  std::vector<std::string> out;
  out.reserve(n);
  if (H5Tis_variable_str(ftype) > 0) {
    TypeId mem = string_type(H5Tget_cset(ftype));
    std::vector<char*> ptrs(n, nullptr);
    if (n > 0 && read(mem.get(), ptrs.data()) < 0) return {};
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    if (n > 0) reclaim(mem.get(), space, ptrs.data());
    return out;
  }
  const std::size_t size = H5Tget_size(ftype);
  TypeId mem(H5Tcopy(H5T_C_S1));
  H5Tset_size(mem.get(), size);
  H5Tset_cset(mem.get(), H5Tget_cset(ftype));
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
  std::vector<char> buf(n * size + 1, '\0');
  if (n > 0 && read(mem.get(), buf.data()) < 0) return {};
  for (hsize_t i = 0; i < n; ++i) {
    const char* p = buf.data() + i * size;
    out.emplace_back(p, std::find(p, p + size, '\0') - p);
  }
  return out;
}

}  // namespace

std::string error_stack() {
  std::vector<std::string> lines;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &lines);
  H5Eclear2(H5E_DEFAULT);
  if (lines.empty()) return "";
  // The outermost entry says what was attempted, the innermost why it failed.
  if (lines.size() == 1 || lines.front() == lines.back()) return lines.front();
  return lines.front() + ": " + lines.back();
}

hsize_t elements(const Shape& shape) {
  hsize_t n = 1;
  for (hsize_t d : shape) n *= d;
  return n;
}

File File::create(const std::filesystem::path& path) {
  silence_errors();
  PropListId fapl = file_access();
  FileId id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()));
  if (!id) throw Error(path.string() + ": cannot create HDF5 file: " + error_stack());
  return File(path, std::move(id));
}

File File::create_in_memory(const std::filesystem::path& name) {
  silence_errors();
  PropListId fapl(H5Pcreate(H5P_FILE_ACCESS));
  constexpr std::size_t kGrowBy = 4 << 20;  // the image grows 4 MiB at a time
  if (H5Pset_fapl_core(fapl.get(), kGrowBy, /*backing_store=*/0) < 0)
    throw Error(name.string() + ": cannot set up an in-memory HDF5 file: " + error_stack());
  FileId id(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()));
  if (!id) throw Error(name.string() + ": cannot create an in-memory HDF5 file: " + error_stack());
  return File(name, std::move(id));
}

std::string File::image() {
  if (H5Fflush(id_.get(), H5F_SCOPE_LOCAL) < 0) fail("/", "cannot flush");
  const ssize_t size = H5Fget_file_image(id_.get(), nullptr, 0);
  if (size < 0) fail("/", "cannot take the file's image");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (H5Fget_file_image(id_.get(), bytes.data(), bytes.size()) != size) fail("/", "cannot take the file's image");
  return bytes;
}

File File::open_read(const std::filesystem::path& path) {
  silence_errors();
  if (!std::filesystem::exists(path)) throw Error(path.string() + ": no such file");
  PropListId fapl = file_access();
  FileId id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!id) throw Error(path.string() + ": cannot open as HDF5: " + error_stack());
  return File(path, std::move(id));
}

void File::fail(const std::string& object, const std::string& what) const {
  const std::string stack = error_stack();
  throw Error(path_.string() + ": " + object + ": " + what + (stack.empty() ? "" : ": " + stack));
}

// A chunk whose Fletcher32 checksum does not match (a flipped bit on disk):
// the stack's words are HDF5's internals; say what it means.
void File::fail_read(const std::string& object, const std::string& what) const {
  const std::string stack = error_stack();
  if (contains_ignoring_case(stack, "fletcher32") || contains_ignoring_case(stack, "checksum"))
    throw Error(path_.string() + ": " + object + ": checksum mismatch (Fletcher32): the file is corrupt on disk; " +
                "restore it or preprocess again");
  throw Error(path_.string() + ": " + object + ": " + what + (stack.empty() ? "" : ": " + stack));
}

void File::close() {
  if (!id_) return;
  if (H5Fflush(id_.get(), H5F_SCOPE_LOCAL) < 0) fail("/", "cannot flush");
  if (H5Fclose(id_.release()) < 0) fail("/", "cannot close");
}

void File::create_group(const std::string& name) {
  GroupId g(H5Gcreate2(id_.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!g) fail(name, "cannot create group");
}

bool File::exists(const std::string& name) const {
  // H5Lexists fails (rather than answering false) when an intermediate link
  // is missing, so walk the path one component at a time.
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = name.find('/', pos + 1);
    const std::string prefix = name.substr(0, pos);
    if (prefix == "/" || prefix.empty()) continue;
    const htri_t rc = H5Lexists(id_.get(), prefix.c_str(), H5P_DEFAULT);
    if (rc < 0) fail(prefix, "cannot look up");
    if (rc == 0) return false;
  }
  return true;
}

Shape File::shape(const std::string& name) const {
  if (!exists(name)) fail(name, "missing dataset");
  DatasetId ds(H5Dopen2(id_.get(), name.c_str(), H5P_DEFAULT));
  if (!ds) fail(name, "cannot open dataset");
  SpaceId space(H5Dget_space(ds.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(name, "cannot read its shape");
  Shape s(rank);
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), s.data(), nullptr);
  return s;
}

H5T_class_t File::type_class(const std::string& name) const {
  if (!exists(name)) fail(name, "missing dataset");
  DatasetId ds(H5Dopen2(id_.get(), name.c_str(), H5P_DEFAULT));
  if (!ds) fail(name, "cannot open dataset");
  TypeId type(H5Dget_type(ds.get()));
  const H5T_class_t c = H5Tget_class(type.get());
  if (c == H5T_NO_CLASS) fail(name, "cannot read its type");
  return c;
}

void File::write_raw(const std::string& name, hid_t mem_type, const void* data, const Shape& shape,
                     hsize_t chunk_rows, Checksum checksum) {
  if (shape.empty()) fail(name, "cannot write a rank-0 dataset");
  SpaceId space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr));
  // Little-endian on disk whatever the host, so files are byte-identical everywhere.
  TypeId file_type(H5Tcopy(mem_type));
  H5Tset_order(file_type.get(), H5T_ORDER_LE);
  PropListId dcpl(H5Pcreate(H5P_DATASET_CREATE));
  if (chunk_rows > 0 && elements(shape) > 0) {
    Shape chunk = shape;
    chunk[0] = std::min(chunk_rows, shape[0]);
    if (H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()) < 0)
      fail(name, "cannot set chunk shape " + shape_text(chunk));
    if (checksum == Checksum::kFletcher32 && H5Pset_fletcher32(dcpl.get()) < 0) fail(name, "cannot add a checksum");
  }
  PropListId lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  DatasetId ds(H5Dcreate2(id_.get(), name.c_str(), file_type.get(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT));
  if (!ds) fail(name, "cannot create dataset " + shape_text(shape));
  if (elements(shape) > 0 && H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    fail(name, "cannot write");
}

void File::read_raw(const std::string& name, hid_t mem_type, void* data, hsize_t expected) const {
  if (expected == 0) return;
  DatasetId ds(H5Dopen2(id_.get(), name.c_str(), H5P_DEFAULT));
  if (!ds) fail(name, "cannot open dataset");
  if (H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) fail_read(name, "cannot read");
}

void File::read_rows_raw(const std::string& name, hid_t mem_type, void* data, hsize_t first, hsize_t count,
                         hsize_t row_size) const {
  if (count == 0 || row_size == 0) return;
  DatasetId ds(H5Dopen2(id_.get(), name.c_str(), H5P_DEFAULT));
  if (!ds) fail(name, "cannot open dataset");
  SpaceId file_space(H5Dget_space(ds.get()));
  const int rank = H5Sget_simple_extent_ndims(file_space.get());
  Shape dims(rank);
  H5Sget_simple_extent_dims(file_space.get(), dims.data(), nullptr);
  Shape start(rank, 0), block = dims;
  start[0] = first;
  block[0] = count;
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, block.data(), nullptr) < 0)
    fail(name, "cannot select rows");
  SpaceId mem_space(H5Screate_simple(rank, block.data(), nullptr));
  if (H5Dread(ds.get(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, data) < 0)
    fail_read(name, "cannot read rows " + std::to_string(first) + ".." + std::to_string(first + count));
}

void File::write_strings(const std::string& name, const std::vector<std::string>& values) {
  const hsize_t n = values.size();
  SpaceId space(H5Screate_simple(1, &n, nullptr));
  TypeId type = string_type();
  PropListId lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  DatasetId ds(H5Dcreate2(id_.get(), name.c_str(), type.get(), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!ds) fail(name, "cannot create string dataset");
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n > 0 && H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    fail(name, "cannot write strings");
}

std::vector<std::string> File::read_strings(const std::string& name) const {
  const Shape s = shape(name);
  if (s.size() != 1) fail(name, "expected a 1-D string dataset, found shape " + shape_text(s));
  DatasetId ds(H5Dopen2(id_.get(), name.c_str(), H5P_DEFAULT));
  TypeId ftype(H5Dget_type(ds.get()));
  if (H5Tget_class(ftype.get()) != H5T_STRING) fail(name, "expected strings");
  SpaceId space(H5Dget_space(ds.get()));
  bool failed = false;
  auto out = read_string_values(ftype.get(), space.get(), s[0], [&](hid_t mem, void* buf) {
    const herr_t rc = H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    failed = rc < 0;
    return rc;
  });
  if (failed) fail(name, "cannot read strings");
  return out;
}

void File::write_scalar_attr(const std::string& object, const std::string& attr, hid_t file_type, hid_t mem_type,
                             const void* value) {
  if (has_attr(object, attr)) H5Adelete_by_name(id_.get(), object.c_str(), attr.c_str(), H5P_DEFAULT);
  SpaceId space(H5Screate(H5S_SCALAR));
  AttributeId a(
      H5Acreate_by_name(id_.get(), object.c_str(), attr.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!a) fail(object, "cannot create attribute '" + attr + "'");
  if (H5Awrite(a.get(), mem_type, value) < 0) fail(object, "cannot write attribute '" + attr + "'");
}

void File::write_attr(const std::string& object, const std::string& attr, std::int64_t value) {
  write_scalar_attr(object, attr, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void File::write_attr(const std::string& object, const std::string& attr, double value) {
  write_scalar_attr(object, attr, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void File::write_attr(const std::string& object, const std::string& attr, const std::string& value) {
  TypeId type = string_type();
  const char* p = value.c_str();
  write_scalar_attr(object, attr, type.get(), type.get(), &p);
}

void File::write_attr(const std::string& object, const std::string& attr, const std::vector<std::string>& values) {
  if (has_attr(object, attr)) H5Adelete_by_name(id_.get(), object.c_str(), attr.c_str(), H5P_DEFAULT);
  const hsize_t n = values.size();
  SpaceId space(H5Screate_simple(1, &n, nullptr));
  TypeId type = string_type();
  AttributeId a(
      H5Acreate_by_name(id_.get(), object.c_str(), attr.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!a) fail(object, "cannot create attribute '" + attr + "'");
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n > 0 && H5Awrite(a.get(), type.get(), ptrs.data()) < 0) fail(object, "cannot write attribute '" + attr + "'");
}

bool File::has_attr(const std::string& object, const std::string& attr) const {
  const htri_t rc = H5Aexists_by_name(id_.get(), object.c_str(), attr.c_str(), H5P_DEFAULT);
  if (rc < 0) fail(object, "cannot look up attribute '" + attr + "'");
  return rc > 0;
}

AttributeId File::open_attr(const std::string& object, const std::string& attr) const {
  if (!exists(object)) fail(object, "missing object");
  if (!has_attr(object, attr)) fail(object, "missing attribute '" + attr + "'");
  AttributeId a(H5Aopen_by_name(id_.get(), object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT));
  if (!a) fail(object, "cannot open attribute '" + attr + "'");
  return a;
}

namespace {
hssize_t attr_elements(hid_t attr) {
  SpaceId space(H5Aget_space(attr));
  if (H5Sget_simple_extent_type(space.get()) == H5S_NULL) return 0;
  return H5Sget_simple_extent_npoints(space.get());
}
}  // namespace

std::int64_t File::read_attr_int(const std::string& object, const std::string& attr) const {
  AttributeId a = open_attr(object, attr);
  TypeId type(H5Aget_type(a.get()));
  if (H5Tget_class(type.get()) != H5T_INTEGER) fail(object, "attribute '" + attr + "' is not an integer");
  if (attr_elements(a.get()) != 1) fail(object, "attribute '" + attr + "' is not a single value");
  std::int64_t v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_INT64, &v) < 0) fail(object, "cannot read attribute '" + attr + "'");
  return v;
}

double File::read_attr_double(const std::string& object, const std::string& attr) const {
  AttributeId a = open_attr(object, attr);
  TypeId type(H5Aget_type(a.get()));
  const H5T_class_t c = H5Tget_class(type.get());
  if (c != H5T_INTEGER && c != H5T_FLOAT) fail(object, "attribute '" + attr + "' is not a number");
  if (attr_elements(a.get()) != 1) fail(object, "attribute '" + attr + "' is not a single value");
  double v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0) fail(object, "cannot read attribute '" + attr + "'");
  return v;
}

std::vector<std::string> File::read_attr_strings(const std::string& object, const std::string& attr) const {
  AttributeId a = open_attr(object, attr);
  TypeId type(H5Aget_type(a.get()));
  if (H5Tget_class(type.get()) != H5T_STRING) fail(object, "attribute '" + attr + "' is not a string");
  SpaceId space(H5Aget_space(a.get()));
  const hssize_t n = attr_elements(a.get());
  if (n < 0) fail(object, "cannot read the extent of attribute '" + attr + "'");
  bool failed = false;
  auto out = read_string_values(type.get(), space.get(), static_cast<hsize_t>(n), [&](hid_t mem, void* buf) {
    const herr_t rc = H5Aread(a.get(), mem, buf);
    failed = rc < 0;
    return rc;
  });
  if (failed) fail(object, "cannot read attribute '" + attr + "'");
  return out;
}

std::string File::read_attr_string(const std::string& object, const std::string& attr) const {
  auto values = read_attr_strings(object, attr);
  if (values.size() != 1) fail(object, "attribute '" + attr + "' is not a single string");
  return values.front();
}

}  // namespace genre::data::h5
