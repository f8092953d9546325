#pragma once
// Data parallelism as a strategy wrapped around the trainer (STYLE.md §3,
// LightGBM's DataParallelTreeLearner): every rank holds a replica, takes its
// share of each global batch, and the gradients are averaged through one
// flat buffer per step (one allreduce, no copies: the parameters' gradients
// are views of it, see flat_parameters.h), so P ranks with batch B/P each
// follow the same trajectory as one rank with batch B.
//
// Batch norm: each rank normalises with the statistics of its own share of the
// batch (as PyTorch DDP does without SyncBatchNorm), so with batch norm the
// trajectory differs slightly from one rank's; the running statistics are
// averaged over ranks after every epoch, before validation and checkpointing,
// so all replicas stay identical. Without batch norm (or with the MLP) the
// equivalence holds to rounding (tests/train/test_data_parallel_mpi.cpp).
#include "dist/communicator.h"
#include "train/trainer.h"

namespace genre::train {

class DataParallelTrainer : public Trainer {
 public:
  // options.device must be comm's device. The communicator (and the data)
  // must outlive the trainer.
  DataParallelTrainer(TrainConfig config, const DataSource& data, TrainerOptions options, dist::Communicator& comm);
  DataParallelTrainer(TrainConfig config, const TrainingData& data, TrainerOptions options, dist::Communicator& comm);

 protected:
  int rank() const override { return comm_.rank(); }
  int world_size() const override { return comm_.size(); }
  void broadcast_parameters(model::Net& net) override;
  void average_gradients(const torch::Tensor& flat_grads) override;
  void average_buffers(model::Net& net) override;
  void sum_across_ranks(const torch::Tensor& t) override;
  Agreement make_agreement() override { return Agreement(comm_); }

 private:
  dist::Communicator& comm_;
};

}  // namespace genre::train
