#include "audio/container_header.h"

#include <cstring>

namespace genre::audio::detail {

namespace {

class ByteView {
 public:
  explicit ByteView(const std::string& bytes) : bytes_(bytes) {}
  std::uint64_t size() const { return bytes_.size(); }
  bool has(std::uint64_t offset, std::uint64_t n) const { return offset <= size() && n <= size() - offset; }
  bool tag_is(std::uint64_t offset, const char* tag) const {
    return has(offset, 4) && std::memcmp(bytes_.data() + offset, tag, 4) == 0;
  }
  std::uint64_t uint(std::uint64_t offset, int n, bool big_endian) const {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) {
      const auto byte = static_cast<unsigned char>(bytes_[offset + (big_endian ? i : n - 1 - i)]);
      v = (v << 8) | byte;
    }
    return v;
  }

 private:
  const std::string& bytes_;
};

constexpr std::uint64_t kUnknownSize32 = 0xFFFFFFFFu;

std::optional<DataShortfall> compare(std::uint64_t declared, std::uint64_t data_offset, const ByteView& b) {
  if (declared == 0 || data_offset > b.size()) return std::nullopt;
  const std::uint64_t available = b.size() - data_offset;
  if (declared <= available) return std::nullopt;
  return DataShortfall{declared, available};
}

// RIFF/RIFX WAVE and RF64/BW64 (whose 32-bit data size defers to the ds64 chunk).
std::optional<DataShortfall> riff_wave(const ByteView& b) {
  const bool big_endian = b.tag_is(0, "RIFX");
  const bool rf64 = b.tag_is(0, "RF64") || b.tag_is(0, "BW64");
  if (!(b.tag_is(0, "RIFF") || big_endian || rf64) || !b.tag_is(8, "WAVE")) return std::nullopt;
  std::uint64_t ds64_data_size = 0;
  for (std::uint64_t pos = 12; b.has(pos, 8);) {
    std::uint64_t size = b.uint(pos + 4, 4, big_endian);
    if (b.tag_is(pos, "ds64") && b.has(pos + 8, 16)) ds64_data_size = b.uint(pos + 16, 8, false);
    if (b.tag_is(pos, "data")) {
      if (rf64 && size == kUnknownSize32) size = ds64_data_size;
      if (size == kUnknownSize32) return std::nullopt;
      return compare(size, pos + 8, b);
    }
    pos += 8 + size + (size & 1);  // chunks are padded to even sizes
  }
  return std::nullopt;
}

// Sun/NeXT AU: big-endian ".snd", or DEC's little-endian "dns." variant.
std::optional<DataShortfall> sun_au(const ByteView& b) {
  const bool big_endian = b.tag_is(0, ".snd");
  if (!(big_endian || b.tag_is(0, "dns.")) || !b.has(0, 24)) return std::nullopt;
  const std::uint64_t offset = b.uint(4, 4, big_endian);
  const std::uint64_t size = b.uint(8, 4, big_endian);
  if (size == kUnknownSize32) return std::nullopt;
  return compare(size, offset, b);
}

// AIFF/AIFC: big-endian chunks; SSND's size counts its 8-byte offset/block-size
// prefix and the `offset` bytes before the first frame.
std::optional<DataShortfall> aiff(const ByteView& b) {
  if (!b.tag_is(0, "FORM") || !(b.tag_is(8, "AIFF") || b.tag_is(8, "AIFC"))) return std::nullopt;
  for (std::uint64_t pos = 12; b.has(pos, 8);) {
    const std::uint64_t size = b.uint(pos + 4, 4, true);
    if (b.tag_is(pos, "SSND")) {
      if (size < 8 || !b.has(pos + 8, 8)) return std::nullopt;
      const std::uint64_t offset = b.uint(pos + 8, 4, true);  // bytes skipped before the first frame
      if (size - 8 < offset) return std::nullopt;
      return compare(size - 8 - offset, pos + 16 + offset, b);
    }
    pos += 8 + size + (size & 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<DataShortfall> data_shortfall(const std::string& bytes) {
  const ByteView b(bytes);
  if (auto s = riff_wave(b)) return s;
  if (auto s = sun_au(b)) return s;
  return aiff(b);
}

}  // namespace genre::audio::detail
