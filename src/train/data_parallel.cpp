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

}  // namespace

DataParallelTrainer::DataParallelTrainer(TrainConfig config, const TrainingData& data, TrainerOptions options,
                                         dist::Communicator& comm)
    : Trainer(std::move(config), data, [&] {
        if (options.device != comm.device())
          throw Error("data parallel: training on " + options.device.str() + " but the " + comm.backend() +
                      " communicator moves tensors on " + comm.device().str());
        return std::move(options);
      }()),
      comm_(comm) {}

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

Trainer::Agreed DataParallelTrainer::agree(bool flag, bool failed) {
  const torch::Tensor t =
      torch::tensor({flag ? 1.0 : 0.0, failed ? 1.0 : 0.0}, torch::TensorOptions().dtype(torch::kDouble))
          .to(comm_.device());
  comm_.allreduce_sum(t);
  const torch::Tensor cpu = t.to(torch::kCPU);
  return {cpu[0].item<double>() > 0, cpu[1].item<double>() > 0};
}

void DataParallelTrainer::fail_together(const FailureLatch& mine) {
  if (comm_.size() == 1) mine.rethrow();
  // Which ranks failed: the lowest one speaks for all.
  torch::Tensor who = torch::zeros({comm_.size()}, torch::TensorOptions().dtype(torch::kFloat));
  if (mine.failed()) who[comm_.rank()] = 1.0f;
  who = who.to(comm_.device());
  comm_.allreduce_sum(who);
  const torch::Tensor failed = who.to(torch::kCPU);
  int first = 0;
  while (first < comm_.size() && failed[first].item<float>() == 0.0f) ++first;
  // Its reason, as bytes in a float tensor (any backend moves floats): the
  // UsageError bit, then up to kChars characters.
  constexpr std::int64_t kChars = 480;
  torch::Tensor text = torch::zeros({kChars + 1}, torch::TensorOptions().dtype(torch::kFloat));
  if (comm_.rank() == first) {
    text[0] = mine.usage() ? 1.0f : 0.0f;
    const std::string& r = mine.reason();
    for (std::int64_t i = 0; i < kChars && i < static_cast<std::int64_t>(r.size()); ++i)
      text[i + 1] = static_cast<float>(static_cast<unsigned char>(r[static_cast<std::size_t>(i)]));
  }
  text = text.to(comm_.device());
  comm_.broadcast(text, first);
  const torch::Tensor got = text.to(torch::kCPU).contiguous();
  const float* p = got.data_ptr<float>();
  std::string reason;
  for (std::int64_t i = 1; i <= kChars && p[i] != 0.0f; ++i) reason += static_cast<char>(static_cast<int>(p[i]));
  const std::string what = "rank " + std::to_string(first) + " of " + std::to_string(comm_.size()) + ": " + reason;
  if (p[0] != 0.0f) throw UsageError(what);
  throw Error(what);
}

}  // namespace genre::train
