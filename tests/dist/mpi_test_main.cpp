// main() for gtest binaries run under mpiexec: MPI lives for the whole run,
// and only rank 0 prints gtest's report (every rank's failures still fail it:
// the exit status is non-zero on any rank with a failure).
#include <gtest/gtest.h>

#include "dist/mpi.h"
#include "support/test_support.h"

int main(int argc, char** argv) {
  genre::dist::Environment env(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  // Keep failures visible from every rank, drop the rest of the chatter.
  const int rank = genre::dist::Comm::world().rank();
  if (rank != 0) genre::test::print_only_failures_on_this_rank(rank);
  return RUN_ALL_TESTS();
}
