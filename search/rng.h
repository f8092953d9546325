#pragma once
// Portable random draws for sweeps: the same seed gives the same numbers on
// every platform and standard library. std::mt19937_64's raw output is fixed by
// the standard, but std::uniform_*_distribution are not (libstdc++ and libc++
// differ), so the distributions here are our own.
#include <cstdint>
#include <random>

namespace genre::search {

class Rng {
 public:
  // A generator for draw `stream` of a sweep seeded with `seed`: trial i of a
  // random sweep uses stream i, so its config depends on (seed, i) only and a
  // resumed sweep regenerates exactly the configs it had issued.
  Rng(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t raw() { return engine_(); }
  // Uniform on [0, 1) with 53 random bits.
  double uniform01();
  // Uniform on [lo, hi).
  double uniform(double lo, double hi);
  // Uniform on the integers lo..hi inclusive (unbiased: rejection sampling).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);

 private:
  std::mt19937_64 engine_;
};

}  // namespace genre::search
