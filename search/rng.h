#pragma once
// The random draws of a sweep: the project's one portable generator
// (common/random.h), seeded per trial.
#include <cstdint>

#include "common/random.h"

namespace genre::search {

class Rng : public Random {
 public:
  // A generator for draw `stream` of a sweep seeded with `seed`: trial i of a
  // random sweep uses stream i, so its config depends on (seed, i) only and a
  // resumed sweep regenerates exactly the configs it had issued.
  Rng(std::uint64_t seed, std::uint64_t stream) : Random(splitmix64(splitmix64(seed) ^ stream)) {}
};

}  // namespace genre::search
