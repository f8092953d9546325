// Run under mpiexec -n 1, 2, 3: every task runs exactly once, on some rank,
// rank 0 hears of each once, and with several ranks the work is shared.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "dist/mpi.h"
#include "support/test_support.h"
#include "preprocess/work_queue.h"

using namespace genre;

TEST(WorkQueue, EveryTaskOnceAndSharedAcrossRanks) {
  const auto world = dist::Comm::world();
  for (std::size_t n : {0u, 1u, 5u, 40u}) {
    std::vector<int> runs(n, 0), heard(n, 0);
    int mine = 0;
    preprocess::distribute(
        world, n,
        [&](std::size_t i) {
          ++runs[i];
          ++mine;
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          preprocess::TrackOutcome o;
          o.status = preprocess::TrackOutcome::Status::Done;
          o.segments = static_cast<int>(i);
          o.reason = "r" + std::to_string(i);
          return o;
        },
        [&](std::size_t i, const preprocess::TrackOutcome& o) {
          ++heard[i];
          EXPECT_EQ(o.segments, static_cast<int>(i));
          EXPECT_EQ(o.reason, "r" + std::to_string(i));
        });
    // Sum the per-rank run counts at rank 0.
    std::vector<int> total(n, 0);
    if (n) MPI_Reduce(runs.data(), total.data(), static_cast<int>(n), MPI_INT, MPI_SUM, 0, world.raw());
    std::vector<int> per_rank(static_cast<std::size_t>(world.size()));
    MPI_Gather(&mine, 1, MPI_INT, per_rank.data(), 1, MPI_INT, 0, world.raw());
    if (world.rank() == 0) {
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(total[i], 1) << "task " << i;
        EXPECT_EQ(heard[i], 1) << "task " << i;
      }
      if (n == 40) {
        for (int r = 0; r < world.size(); ++r)
          EXPECT_GT(per_rank[static_cast<std::size_t>(r)], 0) << "rank " << r << " got no work";
      }
    }
  }
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  dist::Environment mpi(&argc, &argv);
  // Only rank 0 reports; a failure on any rank fails the exit code.
  if (dist::Comm::world().rank() != 0) genre::test::print_only_failures_on_this_rank(dist::Comm::world().rank());
  int failed = RUN_ALL_TESTS();
  int any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return any;
}
