// The MPI communicator under real ranks (mpiexec -n 1, 2, 3): sums, means,
// broadcasts, its own duplicate of the caller's communicator and the errors
// for tensors it cannot move; the backend for CUDA tensors; the GPU selection
// and the node placement it uses.
#include <gtest/gtest.h>

#include "common/error.h"
#include "dist/communicator.h"
#include "dist/mpi_communicator.h"

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
  // A duplicate: the same ranks (congruent) but not the caller's handle
  // (identical), so the two never match each other's messages; and its own,
  // so it keeps working after the caller frees the communicator it came from.
  const Comm world = Comm::world();
  Comm half = world.split(world.rank() % 2, world.rank());
  const int half_size = half.size();
  const auto c = make_communicator(half, torch::kCPU);
  const auto* mpi = dynamic_cast<const MpiCommunicator*>(c.get());
  ASSERT_NE(mpi, nullptr);
  int relation = MPI_UNEQUAL;
  ASSERT_EQ(MPI_Comm_compare(mpi->comm().raw(), half.raw(), &relation), MPI_SUCCESS);
  EXPECT_EQ(relation, MPI_CONGRUENT);
  half = Comm::world();  // frees the split communicator
  auto t = torch::ones({4}, torch::kDouble);
  c->allreduce_sum(t);
  EXPECT_TRUE(torch::equal(t, torch::full({4}, static_cast<double>(half_size), torch::kDouble)));
}

TEST(MpiCommunicator, RefusesTensorsItCannotMove) {
  auto c = cpu_communicator();
  EXPECT_THROW(c->allreduce_mean(torch::ones({4, 4}).t().contiguous().t()), Error);  // a non-contiguous view
  EXPECT_THROW(c->allreduce_sum(torch::ones({2}, torch::kInt)), Error);
  EXPECT_THROW(c->broadcast(torch::Tensor(), 0), Error);
}

TEST(Communicator, CudaNeedsTheNcclBackend) {
  const Comm world = Comm::world();
  if (!nccl_compiled()) {
    try {
      make_communicator(world, torch::Device(torch::kCUDA, 0));
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("NCCL"), std::string::npos) << e.what();
    }
    return;
  }
  // This build has NCCL: CUDA tensors get it, one GPU per rank.
  const int gpus = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
  if (gpus < world.size()) GTEST_SKIP() << "NCCL is compiled, but " << world.size() << " rank(s) need as many GPUs; "
                                        << "this machine has " << gpus;
  const torch::Device gpu = pick_device("cuda", world, local_rank(world));
  const auto c = make_communicator(world, gpu);
  EXPECT_EQ(c->backend(), "nccl");
  EXPECT_EQ(c->device(), gpu);
  auto t = torch::ones({4}, torch::TensorOptions().dtype(torch::kFloat).device(gpu));
  c->allreduce_sum(t);
  EXPECT_TRUE(torch::equal(t.cpu(), torch::full({4}, static_cast<float>(world.size()))));
}

TEST(Communicator, ChoosesOneGpuPerRankOfTheNode) {
  const GpuCensus none{false, false, 0}, some{true, false, 2}, all{true, true, 2};
  const LocalRank third{3, 4};
  EXPECT_TRUE(choose_device("cpu", all, third).is_cpu());
  EXPECT_TRUE(choose_device("auto", none, third).is_cpu());
  EXPECT_TRUE(choose_device("auto", some, third).is_cpu());  // the group takes one kind of device
  EXPECT_EQ(choose_device("auto", all, third), torch::Device(torch::kCUDA, 1));
  EXPECT_EQ(choose_device("cuda", all, LocalRank{0, 4}), torch::Device(torch::kCUDA, 0));
  EXPECT_EQ(choose_device("cuda", GpuCensus{true, true, 8}, LocalRank{5, 6}), torch::Device(torch::kCUDA, 5));
  const auto error = [](const GpuCensus& census) {
    try {
      choose_device("cuda", census, LocalRank{});
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(error(none).find("this rank sees no GPU"), std::string::npos) << error(none);
  EXPECT_NE(error(some).find("another rank sees no GPU"), std::string::npos) << error(some);
  EXPECT_THROW(choose_device("tpu", all, third), UsageError);
}

TEST(Communicator, PicksTheDeviceTogether) {
  const Comm world = Comm::world();
  const LocalRank node = local_rank(world);
  EXPECT_TRUE(pick_device("cpu", world, node).is_cpu());
  if (!torch::cuda::is_available()) {
    EXPECT_TRUE(pick_device("auto", world, node).is_cpu());
    EXPECT_THROW(pick_device("cuda", world, node), UsageError);
  } else {
    const int gpus = static_cast<int>(torch::cuda::device_count());
    EXPECT_EQ(pick_device("auto", world, node), torch::Device(torch::kCUDA, node.rank % gpus));
  }
  EXPECT_THROW(pick_device("tpu", world, node), UsageError);
}

TEST(Communicator, LocalRankIsTheRanksPlaceOnItsNode) {
  // mpiexec in CI runs on one node: the node's ranks are the communicator's,
  // in their order.
  const Comm world = Comm::world();
  const LocalRank local = local_rank(world);
  EXPECT_EQ(local.size, world.size());
  EXPECT_EQ(local.rank, world.rank());
  const Comm half = world.split(world.rank() % 2, world.rank());
  const LocalRank in_half = local_rank(half);
  EXPECT_EQ(in_half.size, half.size());
  EXPECT_EQ(in_half.rank, world.rank() / 2);
}

}  // namespace
}  // namespace genre::dist
