#include "common/hash.h"

#include <xxhash.h>

#include <cstdio>

namespace genre {

std::string hash_hex(std::uint64_t hash) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

std::uint64_t content_hash(const void* data, std::size_t size) { return XXH3_64bits(data, size); }

}  // namespace genre
