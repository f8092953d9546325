#include "train/sampler.h"

#include <algorithm>

#include "common/random.h"

namespace genre::train {

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

std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, int epoch, bool shuffle) {
  Random rng(splitmix64(seed ^ splitmix64(static_cast<std::uint64_t>(epoch) + 1)));
  return permutation(n, rng, shuffle);
}

}  // namespace genre::train
