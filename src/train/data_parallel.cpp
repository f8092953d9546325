#include "train/data_parallel.h"

#include "common/error.h"

namespace genre::train {

namespace {

// Copies tensors into one flat buffer (one collective instead of one per
// tensor), runs `collective` on it, and copies the result back.
template <class F>
void through_flat_buffer(const std::vector<torch::Tensor>& tensors, torch::Tensor& flat, F&& collective) {
  if (tensors.empty()) return;
  std::int64_t total = 0;
  for (const auto& t : tensors) total += t.numel();
  if (!flat.defined() || flat.numel() != total || flat.scalar_type() != tensors[0].scalar_type() ||
      flat.device() != tensors[0].device())
    flat = torch::empty({total}, tensors[0].options());
  torch::NoGradGuard no_grad;
  std::int64_t offset = 0;
  for (const auto& t : tensors) {
    flat.narrow(0, offset, t.numel()).copy_(t.reshape({-1}));
    offset += t.numel();
  }
  collective(flat);
  offset = 0;
  for (const auto& t : tensors) {
    t.copy_(flat.narrow(0, offset, t.numel()).view_as(t));
    offset += t.numel();
  }
}

std::vector<torch::Tensor> floating_buffers(model::Net& net) {
  std::vector<torch::Tensor> out;
  for (const auto& b : net.buffers())
    if (b.is_floating_point()) out.push_back(b);
  return out;
}

TrainerOptions on_the_communicators_device(TrainerOptions options, const dist::Communicator& comm) {
  if (options.device != comm.device())
    throw Error("data parallel: training on " + options.device.str() + " but the " + comm.backend() +
                " communicator moves tensors on " + comm.device().str());
  return options;
}

}  // namespace

DataParallelTrainer::DataParallelTrainer(TrainConfig config, const DataSource& data, TrainerOptions options,
                                         dist::Communicator& comm)
    : Trainer(std::move(config), data, on_the_communicators_device(std::move(options), comm)), comm_(comm) {}

DataParallelTrainer::DataParallelTrainer(TrainConfig config, const TrainingData& data, TrainerOptions options,
                                         dist::Communicator& comm)
    : Trainer(std::move(config), data, on_the_communicators_device(std::move(options), comm)), comm_(comm) {}

void DataParallelTrainer::broadcast_parameters(model::Net& net) {
  std::vector<torch::Tensor> all = net.parameters();
  for (const auto& b : net.buffers()) all.push_back(b);
  // Mixed dtypes (num_batches_tracked is int64): one broadcast per tensor; this happens once.
  torch::NoGradGuard no_grad;
  for (auto& t : all) comm_.broadcast(t, 0);
}

void DataParallelTrainer::average_gradients(const torch::Tensor& flat_grads) { comm_.allreduce_mean(flat_grads); }

void DataParallelTrainer::average_buffers(model::Net& net) {
  torch::Tensor flat;
  through_flat_buffer(floating_buffers(net), flat, [this](const torch::Tensor& f) { comm_.allreduce_mean(f); });
}

void DataParallelTrainer::sum_across_ranks(const torch::Tensor& t) { comm_.allreduce_sum(t); }

}  // namespace genre::train
