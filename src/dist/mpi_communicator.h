#pragma once
// The MPI backend of Communicator: CPU tensors, MPI_Iallreduce / MPI_Ibcast in
// place on the tensor's memory (no staging copies), each completed under the
// peer timeout (peer_wait.h) instead of blocking for ever.
#include "dist/communicator.h"
#include "dist/peer_wait.h"

namespace genre::dist {

class MpiCommunicator : public Communicator {
 public:
  MpiCommunicator(const Comm& comm, PeerWait wait);  // duplicates comm
  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }
  std::string backend() const override { return "mpi"; }
  torch::Device device() const override { return torch::kCPU; }
  void allreduce_sum(const torch::Tensor& t) override;
  void allreduce_mean(const torch::Tensor& t) override;
  void broadcast(const torch::Tensor& t, int root) override;
  void barrier() override;
  // Its own duplicate of the communicator it was made from.
  const Comm& comm() const { return comm_; }

 private:
  void complete(MPI_Request& request, const char* op, const torch::Tensor& t) const;
  Comm comm_;
  PeerWait wait_;
};

}  // namespace genre::dist
