// Training throughput of the seed's three models (samples/s, batch 32, one
// and two torch threads), beside PyTorch 1.13 from Python on the same machine
// (README). Two views:
//   step_loop: the bare loop a Python script runs (forward, cross-entropy,
//            backward, Adam step) on a pool of random batches; flat:1 keeps the
//            parameters in one buffer as genre's trainer does (one Adam update
//            over one tensor instead of one per layer);
//   trainer_epoch: genre's Trainer for one epoch on in-memory data, with what
//            it adds per step (batch gather, metric sums, the interrupt check).
// Threads as genre sets them (train::set_compute_threads: torch's pool, OpenBLAS
// at one). bench_training.sh runs this beside PyTorch in alternating rounds.
// Usage: bench_train [--benchmark_filter=...]; items_per_second is samples/s.
#include <benchmark/benchmark.h>

#include <torch/torch.h>

#include "model/registry.h"
#include "train/flat_parameters.h"
#include "train/threads.h"
#include "train/trainer.h"

namespace {

using genre::model::ModelConfig;

constexpr std::int64_t kBatch = 32;
const char* const kModels[] = {"mlp", "cnn", "resnet"};

std::vector<std::int64_t> sample_shape(const std::string& model) {
  return model == "mlp" ? std::vector<std::int64_t>{57} : std::vector<std::int64_t>{130, 13};
}

void step_loop(benchmark::State& state) {
  const std::string name = kModels[state.range(0)];
  genre::train::set_compute_threads(static_cast<int>(state.range(1)));
  torch::manual_seed(0);
  ModelConfig config;
  config.name = name;
  const auto shape = sample_shape(name);
  auto net = genre::model::build_model(config, shape, 10);
  net->train();
  const bool flat = state.range(2) != 0;
  std::unique_ptr<genre::train::FlatParameters> flat_params;
  if (flat) flat_params = std::make_unique<genre::train::FlatParameters>(*net);
  torch::optim::Adam adam(flat ? std::vector<torch::Tensor>{flat_params->values()} : net->parameters(),
                          torch::optim::AdamOptions(1e-3).eps(1e-7));
  std::vector<std::int64_t> batch_shape{kBatch};
  batch_shape.insert(batch_shape.end(), shape.begin(), shape.end());
  // A pool of random batches with random labels: one batch repeated would be
  // learnt by heart, and its vanishing gradients turn denormal, which slows
  // the arithmetic down and measures that instead.
  constexpr int kPool = 128;
  std::vector<torch::Tensor> xs, ys;
  for (int i = 0; i < kPool; ++i) {
    xs.push_back(torch::randn(batch_shape));
    ys.push_back(torch::randint(0, 10, {kBatch}, torch::kLong));
  }
  std::size_t next = 0;
  for (auto _ : state) {
    const torch::Tensor& x = xs[next % kPool];
    const torch::Tensor& y = ys[next++ % kPool];
    if (flat) {
      flat_params->zero_grad();
    } else {
      // Zeroed in place, as 1.13's Optimizer::zero_grad() does (2.x's resets
      // the gradients to undefined by default, a different workload).
      for (auto& p : net->parameters())
        if (p.grad().defined()) p.mutable_grad().zero_();
    }
    torch::Tensor loss = torch::nll_loss(torch::log_softmax(net->forward(x), 1), y);
    if (const torch::Tensor p = net->penalty(); p.defined()) loss = loss + p;
    loss.backward();
    adam.step();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetLabel(name + ", " + std::to_string(state.range(1)) + " thread(s)" + (flat ? ", flat parameters" : ""));
}

void trainer_epoch(benchmark::State& state) {
  const std::string name = kModels[state.range(0)];
  genre::train::set_compute_threads(static_cast<int>(state.range(1)));
  const std::int64_t n = name == "mlp" ? 16000 : 1000;
  genre::train::TrainingData data;
  data.input = name == "mlp" ? genre::train::InputKind::Table : genre::train::InputKind::Features;
  data.sample_shape = sample_shape(name);
  for (int c = 0; c < 10; ++c) data.classes.push_back("c" + std::to_string(c));
  std::vector<std::int64_t> shape{n};
  shape.insert(shape.end(), data.sample_shape.begin(), data.sample_shape.end());
  std::vector<std::string> tracks;
  for (std::int64_t i = 0; i < n; ++i) tracks.push_back("t" + std::to_string(i / 10));
  torch::manual_seed(1);
  const torch::Tensor labels = torch::randint(0, 10, {n / 10}, torch::kLong).repeat_interleave(10);
  data.train = genre::train::make_part(torch::randn(shape), labels, tracks);
  genre::train::TrainConfig config;
  config.model.name = name;
  config.train.epochs = 1;
  genre::train::TrainerOptions options;
  options.log_epochs = false;
  for (auto _ : state) {
    genre::train::Trainer trainer(config, data, options);
    trainer.run();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetLabel(name + ", " + std::to_string(state.range(1)) + " thread(s)");
}

void step_arguments(benchmark::internal::Benchmark* b) {
  b->ArgNames({"model", "threads", "flat"});
  for (int m = 0; m < 3; ++m)
    for (int t : {1, 2})
      for (int flat : {0, 1}) b->Args({m, t, flat});
  b->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);
}

void trainer_arguments(benchmark::internal::Benchmark* b) {
  b->ArgNames({"model", "threads"});
  for (int m = 0; m < 3; ++m)
    for (int t : {1, 2}) b->Args({m, t});
  b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
}

BENCHMARK(step_loop)->Apply(step_arguments);
BENCHMARK(trainer_epoch)->Apply(trainer_arguments);

}  // namespace

BENCHMARK_MAIN();
