// The MPI communicator under real ranks (mpiexec -n 1, 2, 3): sums, means,
// broadcasts and the errors for tensors it cannot move.
#include <gtest/gtest.h>

#include "common/error.h"
#include "dist/communicator.h"

namespace genre::dist {
namespace {

std::unique_ptr<Communicator> cpu_communicator() { return make_communicator(Comm::world(), torch::kCPU); }

TEST(MpiCommunicator, KnowsItsRankAndSize) {
  auto c = cpu_communicator();
  EXPECT_EQ(c->rank(), Comm::world().rank());
  EXPECT_EQ(c->size(), Comm::world().size());
  EXPECT_EQ(c->backend(), "mpi");
  EXPECT_TRUE(c->device().is_cpu());
}

TEST(MpiCommunicator, AllreduceMeanAveragesEveryElement) {
  auto c = cpu_communicator();
  const int p = c->size(), r = c->rank();
  for (auto dtype : {torch::kFloat, torch::kDouble}) {
    // Element i on rank r is i + 10 r: the mean is i + 10 (p - 1) / 2.
    auto t = torch::arange(1000, torch::TensorOptions().dtype(dtype)) + 10.0 * r;
    c->allreduce_mean(t);
    const auto expected = torch::arange(1000, torch::TensorOptions().dtype(dtype)) + 10.0 * (p - 1) / 2.0;
    EXPECT_TRUE(torch::allclose(t, expected, 0, 1e-5)) << c10::toString(dtype);
  }
}

TEST(MpiCommunicator, AllreduceSumIsExactOnIntegers) {
  auto c = cpu_communicator();
  const int p = c->size();
  auto t = torch::full({3, 4}, static_cast<std::int64_t>(c->rank() + 1), torch::kLong);
  c->allreduce_sum(t);
  EXPECT_TRUE(torch::equal(t, torch::full({3, 4}, static_cast<std::int64_t>(p * (p + 1) / 2), torch::kLong)));
}

TEST(MpiCommunicator, BroadcastCopiesTheRootsValues) {
  auto c = cpu_communicator();
  const int root = c->size() - 1;
  auto t = torch::full({17}, static_cast<float>(c->rank()), torch::kFloat);
  c->broadcast(t, root);
  EXPECT_TRUE(torch::equal(t, torch::full({17}, static_cast<float>(root), torch::kFloat)));
  c->barrier();
}

TEST(MpiCommunicator, OwnsADuplicateOfTheCommunicator) {
  // Point-to-point traffic on the caller's communicator cannot be matched by
  // the communicator's collectives: they run on a duplicate.
  auto c = cpu_communicator();
  auto t = torch::ones({4}, torch::kDouble);
  c->allreduce_sum(t);
  EXPECT_DOUBLE_EQ(t[0].item<double>(), c->size());
}

TEST(MpiCommunicator, RefusesTensorsItCannotMove) {
  auto c = cpu_communicator();
  EXPECT_THROW(c->allreduce_mean(torch::ones({4, 4}).t().contiguous().t()), Error);  // a non-contiguous view
  EXPECT_THROW(c->allreduce_sum(torch::ones({2}, torch::kInt)), Error);
  EXPECT_THROW(c->broadcast(torch::Tensor(), 0), Error);
}

TEST(Communicator, CudaNeedsTheNcclBackend) {
  if (nccl_compiled()) GTEST_SKIP() << "this build has NCCL; the GPU machine tests it";
  try {
    make_communicator(Comm::world(), torch::Device(torch::kCUDA, 0));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("NCCL"), std::string::npos) << e.what();
  }
}

TEST(Communicator, PicksTheCpuWhenNoRankHasAGpu) {
  EXPECT_TRUE(pick_device("cpu", Comm::world()).is_cpu());
  if (!torch::cuda::is_available()) {
    EXPECT_TRUE(pick_device("auto", Comm::world()).is_cpu());
    EXPECT_THROW(pick_device("cuda", Comm::world()), UsageError);
  }
  EXPECT_THROW(pick_device("tpu", Comm::world()), UsageError);
  const LocalRank local = local_rank(Comm::world());
  EXPECT_EQ(local.size, Comm::world().size());  // mpiexec in CI runs on one node
  EXPECT_GE(local.rank, 0);
}

}  // namespace
}  // namespace genre::dist
