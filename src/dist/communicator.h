#pragma once
// The data-movement seam of data-parallel training (STYLE.md §1-2): collective
// operations on tensors among the ranks of one trial. Backends: MPI for CPU
// tensors, NCCL for CUDA tensors, picked once by make_communicator(); nothing
// else in the code knows which one runs.
#include <torch/torch.h>

#include <memory>
#include <string>

#include "dist/mpi.h"
#include "dist/peer_wait.h"

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
// duplicate of `comm`, so its messages never mix with the caller's. Its
// collectives wait for the other ranks as `wait` says (train.peer_timeout_s),
// then throw PeerTimeout; the default waits for ever (but honours SIGTERM).
std::unique_ptr<Communicator> make_communicator(const Comm& comm, const torch::Device& device,
                                                PeerWait wait = PeerWait());

// Whether this build can move CUDA tensors (LibTorch with CUDA and NCCL found).
bool nccl_compiled();

// Where a rank sits on its node: its index among the node's ranks of a
// communicator, and their number. Collective over comm.
struct LocalRank {
  int rank = 0;
  int size = 1;
};
LocalRank local_rank(const Comm& comm);

// What a group of ranks sees of GPUs: whether this rank and every rank of
// the group see one, and how many this rank's node has.
struct GpuCensus {
  bool here = false, everywhere = false;
  int gpus = 0;
};

// The one GPU selection (train.device, classify --device, a search trial):
// "cpu", "cuda", or "auto" (CUDA when every rank of `group` sees a GPU: a
// group shares one backend, so one kind of device). On CUDA one GPU per rank,
// by the rank's place on its node: node.rank modulo the node's GPUs. `node`
// is the place among all of the job's ranks on the node (local_rank(world)),
// not only the group's: a sweep's groups share nodes, and so their GPUs.
// Collective over group. Throws UsageError for unknown names or "cuda"
// without a usable GPU on every rank.
torch::Device pick_device(const std::string& name, const Comm& group, const LocalRank& node);
// The decision itself, without collectives: what pick_device returns for a census.
torch::Device choose_device(const std::string& name, const GpuCensus& census, const LocalRank& node);

}  // namespace genre::dist
