#pragma once
// Seeded, portable randomness for everything the project draws: splits,
// shuffles, sweep configs, the synthetic corpus. std::mt19937_64's output
// sequence is fixed by the C++ standard, but the <random> distributions are
// not (libstdc++ and libc++ differ), so every value here is derived from the
// engine's raw 64-bit words by this code: the same seed gives the same draws
// on every platform and standard library.
#include <cstdint>
#include <initializer_list>
#include <random>
#include <utility>
#include <vector>

namespace genre {

// splitmix64's finaliser: spreads nearby inputs (seed 1, seed 2; stream 0,
// stream 1) over the whole 64-bit space, so seeds derived from them start far
// apart in the engine's sequence.
std::uint64_t splitmix64(std::uint64_t x);

class Random {
 public:
  explicit Random(std::uint64_t engine_seed) : engine_(engine_seed) {}

  std::uint64_t raw() { return engine_(); }
  // Uniform on [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform on [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // Uniform on [0, n), n > 0, unbiased (rejection of the 2^64 mod n lowest words).
  std::uint64_t below(std::uint64_t n);
  // Uniform on the integers lo..hi inclusive, unbiased.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  bool chance(double p) { return uniform01() < p; }
  // Standard normal (Box-Muller, one value per call: two raw draws).
  double normal();

  // Fisher-Yates with below(): the one shuffle of the project.
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[static_cast<std::size_t>(below(i))]);
  }

 private:
  std::mt19937_64 engine_;
};

// 0, 1, ..., n-1 in an order drawn by `rng` (the identity when !shuffled).
std::vector<std::int64_t> permutation(std::int64_t n, Random& rng, bool shuffled = true);

}  // namespace genre
