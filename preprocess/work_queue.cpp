#include "preprocess/work_queue.h"

#include <atomic>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "dist/poll_backoff.h"

namespace genre::preprocess {

namespace {

enum Tag : int { kReady = 101, kTask = 102, kResult = 103, kStop = 104 };
constexpr int kQueuedAhead = 2;  // tasks a worker holds: the one it works on and the next

std::string encode_index(std::size_t i) {
  std::string s(sizeof(std::uint64_t), '\0');
  const std::uint64_t v = i;
  std::memcpy(s.data(), &v, sizeof v);
  return s;
}
std::size_t decode_index(const std::string& s) {
  std::uint64_t v = 0;
  std::memcpy(&v, s.data(), sizeof v);
  return static_cast<std::size_t>(v);
}

// Result wire format: index (8 bytes), status (1), segments (4), reason.
std::string encode_result(std::size_t index, const TrackOutcome& o) {
  std::string s = encode_index(index);
  s += static_cast<char>(o.status);
  const std::int32_t seg = o.segments;
  s.append(reinterpret_cast<const char*>(&seg), sizeof seg);
  s += o.reason;
  return s;
}
std::pair<std::size_t, TrackOutcome> decode_result(const std::string& s) {
  TrackOutcome o;
  const std::size_t index = decode_index(s);
  o.status = static_cast<TrackOutcome::Status>(s[8]);
  std::int32_t seg = 0;
  std::memcpy(&seg, s.data() + 9, sizeof seg);
  o.segments = seg;
  o.reason = s.substr(13);
  return {index, o};
}

void run_worker(const dist::Comm& comm, const TaskFn& task) {
  comm.send("", 0, kReady);
  for (;;) {
    int tag = 0;
    const std::string msg = comm.recv(0, MPI_ANY_TAG, nullptr, &tag);
    if (tag == kStop) return;
    const std::size_t index = decode_index(msg);
    comm.send(encode_result(index, task(index)), 0, kResult);
  }
}

void run_coordinator(const dist::Comm& comm, std::size_t n, const TaskFn& task, const ResultFn& on_result) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::deque<std::pair<std::size_t, TrackOutcome>> local_results;
  std::exception_ptr local_error;
  bool local_done = false;

  std::thread local([&] {
    try {
      for (std::size_t i; (i = next.fetch_add(1)) < n;) {
        TrackOutcome o = task(i);
        std::lock_guard<std::mutex> lock(mutex);
        local_results.emplace_back(i, std::move(o));
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      local_error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mutex);
    local_done = true;
  });

  const int workers = comm.size() - 1;
  std::vector<int> outstanding(static_cast<std::size_t>(comm.size()), 0);
  std::vector<bool> stop_sent(static_cast<std::size_t>(comm.size()), false);
  int stopped = 0;
  const auto hand_out = [&](int worker) {
    // Near the end a task queued behind another would wait there while some
    // rank idles: tasks go ahead only while every rank can still get one.
    const auto ranks = static_cast<std::size_t>(comm.size());
    if (outstanding[static_cast<std::size_t>(worker)] > 0 && next.load() + ranks > n) return;
    const std::size_t i = next.fetch_add(1);
    if (i < n) {
      comm.send(encode_index(i), worker, kTask);
      ++outstanding[static_cast<std::size_t>(worker)];
    } else if (outstanding[static_cast<std::size_t>(worker)] == 0 && !stop_sent[static_cast<std::size_t>(worker)]) {
      comm.send("", worker, kStop);
      stop_sent[static_cast<std::size_t>(worker)] = true;
      ++stopped;
    }
  };

  bool finished_local = false;
  std::exception_ptr error;
  // A worker holds kQueuedAhead tasks, so a reply up to 1 ms late costs it nothing.
  dist::PollBackoff backoff;
  while (!finished_local || stopped < workers) {
    bool busy = false;
    {
      std::deque<std::pair<std::size_t, TrackOutcome>> batch;
      {
        std::lock_guard<std::mutex> lock(mutex);
        batch.swap(local_results);
        finished_local = local_done;
        error = local_error;
      }
      for (const auto& [i, o] : batch) on_result(i, o);
      busy = !batch.empty();
    }
    if (error) break;
    if (comm.message_waiting()) {
      busy = true;
      int from = 0, tag = 0;
      const std::string msg = comm.recv(MPI_ANY_SOURCE, MPI_ANY_TAG, &from, &tag);
      if (tag == kReady) {
        for (int k = 0; k < kQueuedAhead; ++k) hand_out(from);
      } else if (tag == kResult) {
        --outstanding[static_cast<std::size_t>(from)];
        const auto [i, o] = decode_result(msg);
        on_result(i, o);
        hand_out(from);
      }
    }
    // Polling with pauses rather than a blocking receive, which would spin on
    // the core rank 0's own worker thread runs on.
    if (busy)
      backoff.activity();
    else
      backoff.idle();
  }
  local.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace

void distribute(const dist::Comm& parent, std::size_t n, const TaskFn& task, const ResultFn& on_result) {
  if (parent.size() == 1) {
    for (std::size_t i = 0; i < n; ++i) on_result(i, task(i));
    return;
  }
  const dist::Comm comm = parent.dup();  // the protocol's messages stay among themselves
  if (comm.rank() == 0)
    run_coordinator(comm, n, task, on_result);
  else
    run_worker(comm, task);
}

}  // namespace genre::preprocess
