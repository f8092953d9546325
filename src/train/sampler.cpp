#include "train/sampler.h"

#include <algorithm>
#include <random>
#include <utility>

namespace genre::train {

namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64: decorrelates nearby seeds
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

Span global_batch(std::int64_t samples, std::int64_t batch_size, std::int64_t step) {
  const std::int64_t begin = std::min(samples, step * batch_size);
  return {begin, std::min(samples, begin + batch_size)};
}

std::int64_t steps_per_epoch(std::int64_t samples, std::int64_t batch_size) {
  return (samples + batch_size - 1) / batch_size;
}

Span share_of(const Span& whole, int rank, int ranks) {
  const std::int64_t n = whole.size();
  return {whole.begin + n * rank / ranks, whole.begin + n * (rank + 1) / ranks};
}

// Our own Fisher-Yates on mt19937_64, not std::shuffle, whose draws differ
// between standard libraries.
std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, int epoch, bool shuffle) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  if (!shuffle) return order;
  std::mt19937_64 rng(mix(seed ^ mix(static_cast<std::uint64_t>(epoch) + 1)));
  for (std::int64_t i = n - 1; i > 0; --i)
    std::swap(order[static_cast<std::size_t>(i)], order[rng() % static_cast<std::uint64_t>(i + 1)]);
  return order;
}

}  // namespace genre::train
