// The failure agreement (agreement.h) under real mpiexec ranks (-n 1, 2, 3)
// on the MPI communicator: a flag raised on one rank is seen on all, a failure
// on one rank is thrown on every rank with the lowest failing rank's reason
// (a usage error staying one), and afterwards every rank is still in step.
// Alone, a rank gets its own exception back as it was thrown.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>

#include "common/error.h"
#include "dist/communicator.h"
#include "train/agreement.h"

namespace genre::train {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return describe(e);
  }
  return "(no error)";
}

class AgreementTest : public ::testing::Test {
 protected:
  void SetUp() override { comm_ = dist::make_communicator(dist::Comm::world(), torch::kCPU); }
  int rank() const { return comm_->rank(); }
  int size() const { return comm_->size(); }
  // Every rank still takes part in collectives: a sum over all of them completes.
  void expect_in_step() {
    torch::Tensor one = torch::ones({1}, torch::kDouble);
    comm_->allreduce_sum(one);
    EXPECT_EQ(one.item<double>(), size());
  }
  std::unique_ptr<dist::Communicator> comm_;
};

TEST_F(AgreementTest, AFlagOnOneRankIsSeenOnEvery) {
  Agreement agreement(*comm_);
  EXPECT_FALSE(agreement.settle(false));
  EXPECT_TRUE(agreement.settle(rank() == size() - 1));
  EXPECT_TRUE(agreement.settle(true));
  expect_in_step();
}

TEST_F(AgreementTest, AFailureOnOneRankIsThrownOnEveryRankAlike) {
  Agreement agreement(*comm_);
  const int last = size() - 1;
  agreement.run([&] {
    if (rank() == last) throw Error("cannot read shard 7 (truncated)");
  });
  bool later_ran = false;
  agreement.run([&] { later_ran = true; });
  EXPECT_EQ(later_ran, rank() != last);  // a failed rank does no more work of its own
  const std::string error = error_of([&] { agreement.settle(); });
  EXPECT_EQ(error, size() == 1 ? "cannot read shard 7 (truncated)"
                               : "rank " + std::to_string(last) + " of " + std::to_string(size()) +
                                     ": cannot read shard 7 (truncated)");
  expect_in_step();
}

TEST_F(AgreementTest, TheLowestFailingRankSpeaksAndAUsageErrorStaysOne) {
  // Ranks from `first` on fail: both of 2, ranks 1 and 2 of 3.
  const int first = (size() - 1) / 2;
  Agreement agreement(*comm_);
  agreement.run([&] {
    if (rank() >= first) throw UsageError("data.input: rank " + std::to_string(rank()) + "'s reason");
  });
  try {
    agreement.settle();
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    const std::string reason = "data.input: rank " + std::to_string(first) + "'s reason";
    EXPECT_EQ(std::string(e.what()),
              size() == 1 ? reason : "rank " + std::to_string(first) + " of " + std::to_string(size()) + ": " + reason);
  }
  expect_in_step();
}

TEST(Agreement, AloneARankGetsItsOwnExceptionBack) {
  Agreement agreement;
  EXPECT_TRUE(agreement.settle(true));
  agreement.run([] { throw std::out_of_range("index 9 of 3"); });
  EXPECT_TRUE(agreement.failed());
  EXPECT_THROW(agreement.settle(), std::out_of_range);
}

}  // namespace
}  // namespace genre::train
