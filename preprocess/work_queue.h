#pragma once
// Dynamic work distribution over MPI. Rank 0 hands out task indices in order
// (the caller orders them largest first) to every rank, itself included: its
// main thread serves requests while a second thread works, so a long task on
// any rank never holds the others up. Each worker keeps one task queued ahead
// so it never idles waiting for the next index. Only rank 0's main thread
// calls MPI (MPI_THREAD_FUNNELED).
#include <cstddef>
#include <functional>

#include "dist/mpi.h"
#include "preprocess/track_processor.h"

namespace genre::preprocess {

using TaskFn = std::function<TrackOutcome(std::size_t index)>;
using ResultFn = std::function<void(std::size_t index, const TrackOutcome& outcome)>;

// Collective over comm. `task` runs on every rank; `on_result` runs on rank 0's
// main thread once per task, in completion order. Returns when all n tasks are
// done. An exception from a task on rank 0's worker thread is rethrown here.
void distribute(const dist::Comm& comm, std::size_t n, const TaskFn& task, const ResultFn& on_result);

}  // namespace genre::preprocess
