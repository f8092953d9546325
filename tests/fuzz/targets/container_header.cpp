// The WAV/RF64/AU/AIFF header parser that tells a truncated file from a whole
// one (src/audio/container_header.h). It reads sizes and offsets a damaged or
// hostile file controls: no read may leave the buffer, and a shortfall it
// reports must be one (declared above what the file holds).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "audio/container_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const auto shortfall = genre::audio::detail::data_shortfall(bytes);
  if (shortfall && !(shortfall->available_bytes < shortfall->declared_bytes && shortfall->available_bytes <= size)) {
    std::fprintf(stderr, "==genre-fuzz== shortfall of %llu declared, %llu available in %zu bytes\n",
                 static_cast<unsigned long long>(shortfall->declared_bytes),
                 static_cast<unsigned long long>(shortfall->available_bytes), size);
    std::abort();
  }
  return 0;
}
