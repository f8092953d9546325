#include "common/hash.h"

#include <xxhash.h>

namespace genre {

std::uint64_t content_hash(const void* data, std::size_t size) { return XXH3_64bits(data, size); }

}  // namespace genre
