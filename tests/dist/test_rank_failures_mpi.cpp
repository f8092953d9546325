// The report of a failure on a rank other than 0 (support/test_support.h,
// print_only_failures_on_this_rank): these tests fail on rank 1 on purpose,
// and ctest passes them only when the job's log holds both "[rank 1] FAILED"
// lines, within the timeout. Its first version hung the failing rank inside
// gtest instead of printing (#13.17), so a worker's failure in an MPI test
// showed as a timeout, or, before it, as nothing but an exit code.
#include <gtest/gtest.h>

#include <stdexcept>

#include "dist/mpi.h"

namespace {

int rank() { return genre::dist::Comm::world().rank(); }

TEST(RankFailure, ExpectationOnOneRank) { EXPECT_NE(rank(), 1) << "rank 1 fails here"; }

// What the race of search.mpi_objective_5 raised on rank 4: an exception in
// the test body, which gtest reports from an unknown location.
TEST(RankFailure, ExceptionOnOneRank) {
  if (rank() == 1) throw std::runtime_error("thrown on rank 1");
}

}  // namespace
