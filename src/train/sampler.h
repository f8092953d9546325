#pragma once
// Which training samples a rank takes at each step. One order of the training
// split per epoch, the same on every rank and every platform; global batch k
// is positions [k B, min(n, (k + 1) B)) of it, and rank r of R takes the r-th
// contiguous share of those positions. So R ranks with B/R samples each see
// exactly the batches one rank with B sees (DistributedSampler shares the
// epoch instead, which would change the trajectory with the number of ranks).
// Evaluation shares a whole part the same way.
#include <cstdint>
#include <vector>

namespace genre::train {

// Positions [begin, end) of an order.
struct Span {
  std::int64_t begin = 0, end = 0;
  std::int64_t size() const { return end - begin; }
};

// The positions of global batch `step` (0-based) of an epoch over `samples`.
Span global_batch(std::int64_t samples, std::int64_t batch_size, std::int64_t step);
// Global batches per epoch (the last one may be short).
std::int64_t steps_per_epoch(std::int64_t samples, std::int64_t batch_size);

// Rank `rank` of `ranks`'s contiguous share of `whole`: shares differ in size
// by at most one, are disjoint and cover it.
Span share_of(const Span& whole, int rank, int ranks);

// The training split's order in epoch `epoch` (0-based): a permutation of
// 0..n-1 drawn by common/random.h's shuffle from (seed, epoch), the same on
// every rank and platform; the identity when not shuffling.
std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, int epoch, bool shuffle);

}  // namespace genre::train
