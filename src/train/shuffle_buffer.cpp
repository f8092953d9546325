#include "train/shuffle_buffer.h"

#include <algorithm>

#include "common/error.h"

namespace genre::train {

std::int64_t ShuffleBuffer::bytes(std::int64_t capacity, std::int64_t row_size) {
  return capacity * (row_size * static_cast<std::int64_t>(sizeof(float)) + 2 * static_cast<std::int64_t>(sizeof(std::int64_t)));
}

ShuffleBuffer::ShuffleBuffer(std::int64_t capacity, std::int64_t row_size, HeldBytes& meter)
    : capacity_(capacity), row_size_(row_size), held_(meter, bytes(capacity, row_size)) {
  if (capacity < 1) throw Error("shuffle buffer: capacity must be positive");
  rows_.resize(static_cast<std::size_t>(capacity * row_size));
  label_.resize(static_cast<std::size_t>(capacity));
  track_.resize(static_cast<std::size_t>(capacity));
}

void ShuffleBuffer::push(const float* row, std::int64_t label, std::int64_t track) {
  if (full()) throw Error("shuffle buffer: push into a full buffer");
  std::copy_n(row, row_size_, rows_.data() + size_ * row_size_);
  label_[static_cast<std::size_t>(size_)] = label;
  track_[static_cast<std::size_t>(size_)] = track;
  ++size_;
}

void ShuffleBuffer::pop(Random& rng, float* row, std::int64_t& label, std::int64_t& track) {
  if (empty()) throw Error("shuffle buffer: pop from an empty buffer");
  const auto i = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(size_)));
  const std::int64_t last = --size_;
  std::copy_n(rows_.data() + i * row_size_, row_size_, row);
  label = label_[static_cast<std::size_t>(i)];
  track = track_[static_cast<std::size_t>(i)];
  if (i != last) {
    std::copy_n(rows_.data() + last * row_size_, row_size_, rows_.data() + i * row_size_);
    label_[static_cast<std::size_t>(i)] = label_[static_cast<std::size_t>(last)];
    track_[static_cast<std::size_t>(i)] = track_[static_cast<std::size_t>(last)];
  }
}

}  // namespace genre::train
