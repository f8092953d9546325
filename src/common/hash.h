#pragma once
// Content hashes of input files: resume matches a track by path, size and this
// hash, so a file edited in place is processed again.
#include <cstdint>
#include <string>

namespace genre {

// XXH3-64 of a byte buffer.
std::uint64_t content_hash(const void* data, std::size_t size);
inline std::uint64_t content_hash(const std::string& bytes) { return content_hash(bytes.data(), bytes.size()); }
// 16 lower-case hex digits, as files record a hash (journal, model.json).
std::string hash_hex(std::uint64_t hash);

}  // namespace genre
