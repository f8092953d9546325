#pragma once
// The data-movement seam of data-parallel training (STYLE.md §1-2): collective
// operations on tensors among the ranks of one trial. Backends: MPI for CPU
// tensors, NCCL for CUDA tensors, picked once by make_communicator(); nothing
// else in the code knows which one runs.
#include <torch/torch.h>

#include <memory>
#include <string>

#include "dist/mpi.h"

namespace genre::dist {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual std::string backend() const = 0;      // "mpi" | "nccl"
  virtual torch::Device device() const = 0;     // where its tensors must live
  // In place, on every rank: the element-wise sum / mean over ranks. The
  // tensor must be contiguous, on device(), float32, float64 or int64.
  virtual void allreduce_sum(const torch::Tensor& t) = 0;
  virtual void allreduce_mean(const torch::Tensor& t) = 0;
  // In place: every rank ends with root's values.
  virtual void broadcast(const torch::Tensor& t, int root) = 0;
  virtual void barrier() = 0;
};

// The backend for `device`: MPI for the CPU, NCCL for CUDA (throws Error
// saying why when this build has no NCCL). The communicator works on its own
// duplicate of `comm`, so its messages never mix with the caller's.
std::unique_ptr<Communicator> make_communicator(const Comm& comm, const torch::Device& device);

// Whether this build can move CUDA tensors (LibTorch with CUDA and NCCL found).
bool nccl_compiled();

// "cpu", "cuda" or "auto" (CUDA when every rank of comm sees a GPU) to a
// device: one GPU per rank, chosen by the rank's index among the ranks of its
// node. Collective over comm. Throws UsageError for unknown names or "cuda"
// without a usable GPU.
torch::Device pick_device(const std::string& name, const Comm& comm);

// The rank's index among the ranks of comm on its node, and their number.
// Collective over comm.
struct LocalRank {
  int rank = 0;
  int size = 1;
};
LocalRank local_rank(const Comm& comm);

}  // namespace genre::dist
