#pragma once
// The MPI backend of Communicator: CPU tensors, MPI_Allreduce / MPI_Bcast in
// place on the tensor's memory (no staging copies).
#include "dist/communicator.h"

namespace genre::dist {

class MpiCommunicator : public Communicator {
 public:
  explicit MpiCommunicator(const Comm& comm);  // duplicates comm
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
  Comm comm_;
};

}  // namespace genre::dist
