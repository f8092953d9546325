#pragma once
// The streaming backend's own accounting of the bytes it holds (chunks read
// and queued, the shuffle buffer), counted where they are allocated and
// freed, so a test can check the budget without timing RSS; and of the bytes
// it has read from the shards. Shared by the reader thread and the trainer's.
#include <atomic>
#include <cstdint>
#include <utility>

namespace genre::train {

class HeldBytes {
 public:
  void add(std::int64_t n) {
    const std::int64_t now = now_ += n;
    std::int64_t peak = peak_.load();
    while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
    }
  }
  void sub(std::int64_t n) { now_ -= n; }
  void count_read(std::int64_t n) { read_ += n; }
  std::int64_t now() const { return now_; }
  std::int64_t peak() const { return peak_; }
  std::int64_t read() const { return read_; }  // bytes of features read from the shards so far

 private:
  std::atomic<std::int64_t> now_{0}, peak_{0}, read_{0};
};

// `n` bytes counted in a HeldBytes for as long as this lives.
class Held {
 public:
  Held() = default;
  Held(HeldBytes& meter, std::int64_t n) : meter_(&meter), n_(n) { meter.add(n); }
  ~Held() {
    if (meter_) meter_->sub(n_);
  }
  Held(Held&& o) noexcept : meter_(std::exchange(o.meter_, nullptr)), n_(o.n_) {}
  Held& operator=(Held&& o) noexcept {
    if (this != &o) {
      if (meter_) meter_->sub(n_);
      meter_ = std::exchange(o.meter_, nullptr);
      n_ = o.n_;
    }
    return *this;
  }
  Held(const Held&) = delete;
  Held& operator=(const Held&) = delete;

 private:
  HeldBytes* meter_ = nullptr;
  std::int64_t n_ = 0;
};

}  // namespace genre::train
