#include "search/suggester.h"

#include <utility>

namespace genre::search {

Suggester::Suggester() : thread_([this] { loop(); }) {}

Suggester::~Suggester() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Suggester::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return quit_ || (busy_ && job_); });
    if (quit_) return;
    Proposal job = std::move(job_);
    job_ = nullptr;
    const std::uint64_t ticket = ticket_;
    lock.unlock();
    Result r{ticket, std::nullopt};
    std::exception_ptr error;
    try {
      r.params = job();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    result_ = std::move(r);
    error_ = error;
    has_result_ = true;
    done_.notify_all();
  }
}

std::uint64_t Suggester::submit(Proposal job) {
  std::uint64_t ticket;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ticket = ++ticket_;
    job_ = std::move(job);
    busy_ = true;
    has_result_ = false;
  }
  wake_.notify_all();
  return ticket;
}

std::optional<Suggester::Result> Suggester::poll() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!busy_ || !has_result_) return std::nullopt;
  busy_ = has_result_ = false;
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  return std::move(result_);
}

std::optional<Suggester::Result> Suggester::wait() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!busy_) return std::nullopt;
    done_.wait(lock, [&] { return has_result_; });
  }
  return poll();
}

bool Suggester::idle() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !busy_;
}

}  // namespace genre::search
