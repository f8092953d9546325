#include "dist/nccl_communicator.h"

#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#include <nccl.h>

#include <string>

#include "common/error.h"

namespace genre::dist {

namespace {

void check_nccl(ncclResult_t rc, const char* expr, int rank) {
  if (rc != ncclSuccess)
    throw Error("NCCL error on rank " + std::to_string(rank) + " in " + expr + ": " + ncclGetErrorString(rc));
}
#define GENRE_NCCL_CHECK(expr, rank) check_nccl((expr), #expr, (rank))

void check_cuda(cudaError_t rc, const char* expr, int rank) {
  if (rc != cudaSuccess)
    throw Error("CUDA error on rank " + std::to_string(rank) + " in " + expr + ": " + cudaGetErrorString(rc));
}

ncclDataType_t nccl_type(const torch::Tensor& t, const torch::Device& device, const char* op) {
  if (!t.defined()) throw Error(std::string("NCCL communicator: ") + op + " of an undefined tensor");
  if (t.device() != device)
    throw Error(std::string("NCCL communicator: ") + op + " of a tensor on " + t.device().str() +
                ", expected one on " + device.str());
  if (!t.is_contiguous()) throw Error(std::string("NCCL communicator: ") + op + " of a non-contiguous tensor");
  switch (t.scalar_type()) {
    case torch::kFloat: return ncclFloat32;
    case torch::kDouble: return ncclFloat64;
    case torch::kLong: return ncclInt64;
    default:
      throw Error(std::string("NCCL communicator: ") + op + " of unsupported dtype " +
                  std::string(c10::toString(t.scalar_type())));
  }
}

// RAII owner of an NCCL communicator.
class NcclComm {
 public:
  NcclComm(int size, const ncclUniqueId& id, int rank) : rank_(rank) {
    GENRE_NCCL_CHECK(ncclCommInitRank(&comm_, size, id, rank), rank);
  }
  ~NcclComm() {
    if (comm_) ncclCommDestroy(comm_);
  }
  NcclComm(const NcclComm&) = delete;
  NcclComm& operator=(const NcclComm&) = delete;
  // The communicator, or an Error once it was aborted.
  ncclComm_t get() const {
    if (!comm_) throw Error("NCCL communicator on rank " + std::to_string(rank_) + " was aborted after a failed collective");
    return comm_;
  }
  // Ends its pending collectives (a kernel waiting for a silent peer spins on
  // the GPU until then) and frees it; a destroy would wait for them.
  void abort() {
    if (comm_) ncclCommAbort(comm_);
    comm_ = nullptr;
  }

 private:
  ncclComm_t comm_ = nullptr;
  int rank_ = 0;
};

ncclUniqueId shared_unique_id(const Comm& comm, const PeerWait& wait) {
  ncclUniqueId id{};
  if (comm.rank() == 0) GENRE_NCCL_CHECK(ncclGetUniqueId(&id), comm.rank());
  const std::string bytes = dist::broadcast(
      comm, comm.rank() == 0 ? std::string(reinterpret_cast<const char*>(&id), sizeof id) : std::string(), 0, wait);
  if (bytes.size() != sizeof id) throw Error("NCCL communicator: broadcast of the unique id came back truncated");
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(&id));
  return id;
}

class NcclCommunicator : public Communicator {
 public:
  NcclCommunicator(const Comm& comm, const torch::Device& device, PeerWait wait)
      : rank_(comm.rank()),
        size_(comm.size()),
        device_(device),
        wait_(wait),
        guard_(device),
        comm_(size_, shared_unique_id(comm, wait_), rank_) {}

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backend() const override { return "nccl"; }
  torch::Device device() const override { return device_; }

  void allreduce_sum(const torch::Tensor& t) override {
    const ncclDataType_t type = nccl_type(t, device_, "allreduce");
    // On torch's current stream, so it is ordered with the kernels around it.
    GENRE_NCCL_CHECK(ncclAllReduce(t.data_ptr(), t.data_ptr(), static_cast<std::size_t>(t.numel()), type, ncclSum,
                                   comm_.get(), stream()),
                     rank_);
    complete("allreduce", t);
  }
  void allreduce_mean(const torch::Tensor& t) override {
    allreduce_sum(t);
    if (size_ > 1) {
      if (t.is_floating_point())
        t.div_(size_);
      else
        t.div_(size_, "floor");
    }
  }
  void broadcast(const torch::Tensor& t, int root) override {
    const ncclDataType_t type = nccl_type(t, device_, "broadcast");
    GENRE_NCCL_CHECK(
        ncclBroadcast(t.data_ptr(), t.data_ptr(), static_cast<std::size_t>(t.numel()), type, root, comm_.get(), stream()),
        rank_);
    complete("broadcast", t);
  }
  void barrier() override {
    const torch::Tensor one = torch::ones({1}, torch::TensorOptions().device(device_).dtype(torch::kFloat));
    allreduce_sum(one);
  }

 private:
  cudaStream_t stream() const { return c10::cuda::getCurrentCUDAStream(device_.index()).stream(); }

  // Polls the stream until the collective (and the kernels queued before it)
  // is done, under the peer timeout: a silent peer leaves NCCL's kernel
  // spinning, and the next host-side copy would block for ever behind it.
  // NCCL's asynchronous error (a peer's connection lost) fails at once. On
  // either the communicator is aborted: it cannot be used again.
  void complete(const char* op, const torch::Tensor& t) {
    const auto done = [&] {
      ncclResult_t async = ncclSuccess;
      GENRE_NCCL_CHECK(ncclCommGetAsyncError(comm_.get(), &async), rank_);
      if (async != ncclSuccess)
        throw Error(std::string("NCCL communicator: ") + op + " failed on rank " + std::to_string(rank_) + ": " +
                    ncclGetErrorString(async));
      const cudaError_t rc = cudaStreamQuery(stream());
      if (rc == cudaErrorNotReady) return false;
      check_cuda(rc, "cudaStreamQuery", rank_);
      return true;
    };
    try {
      wait_.until(done, [&] { return describe_collective(op, t.nbytes(), size_); });
    } catch (const Error&) {
      comm_.abort();
      throw;
    }
  }

  int rank_, size_;
  torch::Device device_;
  PeerWait wait_;
  c10::cuda::CUDAGuard guard_;  // makes device_ current before NCCL binds to it
  NcclComm comm_;
};

}  // namespace

std::unique_ptr<Communicator> make_nccl_communicator(const Comm& comm, const torch::Device& device, PeerWait wait) {
  if (!device.is_cuda() || !device.has_index())
    throw Error("NCCL communicator: needs a CUDA device with an index, got " + device.str());
  return std::make_unique<NcclCommunicator>(comm, device, wait);
}

}  // namespace genre::dist
