#include "common/random.h"

#include <cmath>
#include <numeric>

namespace genre {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::uint64_t Random::below(std::uint64_t n) {
  const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n: words below it would bias the modulo
  for (;;) {
    const std::uint64_t r = engine_();
    if (r >= threshold) return r % n;
  }
}

std::int64_t Random::uniform_int(std::int64_t lo, std::int64_t hi) {
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
  if (span == 0) return static_cast<std::int64_t>(engine_());  // the whole 64-bit range
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + below(span));
}

double Random::normal() {
  constexpr double kTwoPi = 6.283185307179586476925;
  const double u = 1.0 - uniform01();  // (0, 1]: log is finite
  return std::sqrt(-2.0 * std::log(u)) * std::cos(kTwoPi * uniform01());
}

std::vector<std::int64_t> permutation(std::int64_t n, Random& rng, bool shuffled) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  if (shuffled) rng.shuffle(order);
  return order;
}

}  // namespace genre
