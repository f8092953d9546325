#include "search/rng.h"

namespace genre::search {

namespace {
// splitmix64's finaliser: spreads (seed, stream) over the whole 64-bit seed
// space so neighbouring streams start far apart.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

Rng::Rng(std::uint64_t seed, std::uint64_t stream) : engine_(mix(mix(seed) ^ stream)) {}

double Rng::uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

std::int64_t Rng::uniform_int(std::int64_t lo, std::int64_t hi) {
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
  if (span == 0) return static_cast<std::int64_t>(engine_());  // the whole 64-bit range
  // Largest multiple of span that fits: draws at or above it would bias the modulo.
  const std::uint64_t limit = std::uint64_t(0) - (std::uint64_t(0) - span) % span;
  std::uint64_t x = engine_();
  while (limit != 0 && x >= limit) x = engine_();
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + x % span);
}

}  // namespace genre::search
