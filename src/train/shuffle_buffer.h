#pragma once
// The streaming backend's shuffle buffer: a fixed number of sample slots,
// filled in stream order, emptied by seeded uniform draws (the drawn slot is
// refilled by the last one). With the stream's per-epoch chunk order this
// mixes samples across chunks within about `capacity` positions; with
// capacity 1 it is first in, first out (data.shuffle off). Its bytes are
// counted in a HeldBytes for as long as it lives.
#include <cstdint>
#include <vector>

#include "common/random.h"
#include "train/held_bytes.h"

namespace genre::train {

class ShuffleBuffer {
 public:
  ShuffleBuffer(std::int64_t capacity, std::int64_t row_size, HeldBytes& meter);
  std::int64_t size() const { return size_; }
  bool full() const { return size_ == capacity_; }
  bool empty() const { return size_ == 0; }
  static std::int64_t bytes(std::int64_t capacity, std::int64_t row_size);
  // Copies one sample in; the buffer must not be full.
  void push(const float* row, std::int64_t label, std::int64_t track);
  // Moves a uniformly drawn sample out into row/label/track; must not be empty.
  void pop(Random& rng, float* row, std::int64_t& label, std::int64_t& track);

 private:
  std::int64_t capacity_, row_size_, size_ = 0;
  std::vector<float> rows_;
  std::vector<std::int64_t> label_, track_;
  Held held_;
};

}  // namespace genre::train
