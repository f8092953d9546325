#include "dist/communicator.h"

#include <algorithm>

#include "common/error.h"
#include "dist/mpi_communicator.h"

// The one place that knows whether the NCCL backend was compiled:
// GENRE_HAVE_NCCL is set on this file only (src/train/CMakeLists.txt).
#if GENRE_HAVE_NCCL
#include "dist/nccl_communicator.h"
#endif

namespace genre::dist {

bool nccl_compiled() { return GENRE_HAVE_NCCL != 0; }

std::unique_ptr<Communicator> make_communicator(const Comm& comm, const torch::Device& device, PeerWait wait) {
  if (device.is_cpu()) return std::make_unique<MpiCommunicator>(comm, wait);
  if (!device.is_cuda()) throw Error("no communicator for tensors on " + device.str() + " (cpu: MPI, cuda: NCCL)");
#if GENRE_HAVE_NCCL
  return make_nccl_communicator(comm, device, wait);
#else
  throw Error("training on " + device.str() +
              " needs the NCCL communicator, which this build lacks (LibTorch without CUDA, NCCL not found, or "
              "GENRE_WITH_NCCL=OFF)");
#endif
}

LocalRank local_rank(const Comm& comm) {
  MPI_Comm node = MPI_COMM_NULL;
  GENRE_MPI_CHECK(MPI_Comm_split_type(comm.raw(), MPI_COMM_TYPE_SHARED, comm.rank(), MPI_INFO_NULL, &node));
  LocalRank out;
  const int rc_rank = MPI_Comm_rank(node, &out.rank);
  const int rc_size = MPI_Comm_size(node, &out.size);
  MPI_Comm_free(&node);
  GENRE_MPI_CHECK(rc_rank);
  GENRE_MPI_CHECK(rc_size);
  return out;
}

torch::Device choose_device(const std::string& name, const GpuCensus& census, const LocalRank& node) {
  if (name != "cpu" && name != "cuda" && name != "auto")
    throw UsageError("train.device: unknown device '" + name + "' (cpu, cuda, auto)");
  if (name == "cpu") return torch::kCPU;
  if (!census.everywhere) {
    if (name == "cuda")
      throw UsageError(std::string("train.device: cuda requested but ") +
                       (census.here ? "another rank sees no GPU" : "this rank sees no GPU (or LibTorch has no CUDA)"));
    return torch::kCPU;
  }
  return torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(node.rank % std::max(1, census.gpus)));
}

torch::Device pick_device(const std::string& name, const Comm& group, const LocalRank& node) {
  if (name == "cpu") return torch::kCPU;
  (void)choose_device(name, GpuCensus{}, node);  // an unknown name fails alike on every rank, before the collective
  GpuCensus census;
  census.here = torch::cuda::is_available();
  int here = census.here ? 1 : 0, everywhere = 0;
  GENRE_MPI_CHECK(MPI_Allreduce(&here, &everywhere, 1, MPI_INT, MPI_MIN, group.raw()));
  census.everywhere = everywhere != 0;
  census.gpus = census.here ? static_cast<int>(torch::cuda::device_count()) : 0;
  return choose_device(name, census, node);
}

}  // namespace genre::dist
