// main() for gtest binaries run under mpiexec: MPI lives for the whole run,
// and only rank 0 prints gtest's report (every rank's failures still fail it:
// the exit status is non-zero on any rank with a failure).
#include <gtest/gtest.h>

#include "dist/mpi.h"

int main(int argc, char** argv) {
  genre::dist::Environment env(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (genre::dist::Comm::world().rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    // Keep failures visible from every rank, drop the rest of the chatter.
    delete listeners.Release(listeners.default_result_printer());
  }
  return RUN_ALL_TESTS();
}
