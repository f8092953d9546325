// Training throughput of the seed's models (samples/s, batch 32, one and two
// torch threads), beside PyTorch 1.13 from Python on the same machine
// (README). Two views:
//   step_loop: the bare loop a Python script runs (forward, cross-entropy,
//            backward, Adam step) on a pool of random batches; flat:1 keeps the
//            parameters in one buffer as genre's trainer does (one Adam update
//            over one tensor instead of one per layer);
//   trainer_epoch: genre's Trainer for one epoch on in-memory data, with what
//            it adds per step (batch gather, metric sums, the interrupt check).
// image_step is step_loop for the image experiments (spectrogram_cnn,
// mobilenet_v2) on 3 x size x size images, with flat parameters, one untimed
// warm-up step and a few timed ones (a step takes seconds); frozen:1 is the
// seed's transfer learning (model::freeze of the backbone). The trainer cannot
// freeze yet, so these have no trainer_epoch view.
// Threads as genre sets them (train::set_compute_threads: torch's pool, OpenBLAS
// at one). bench_training.sh runs this beside PyTorch in alternating rounds.
// Usage: bench_train [--benchmark_filter=...]; items_per_second is samples/s.
#include <benchmark/benchmark.h>

#include <torch/torch.h>

#include "model/freeze.h"
#include "model/registry.h"
#include "train/flat_parameters.h"
#include "train/threads.h"
#include "train/trainer.h"

namespace {

using genre::model::ModelConfig;

constexpr std::int64_t kBatch = 32;
const char* const kModels[] = {"mlp", "cnn", "resnet", "spectrogram_cnn", "mobilenet_v2"};

std::vector<std::int64_t> sample_shape(const std::string& model) {
  return model == "mlp" ? std::vector<std::int64_t>{57} : std::vector<std::int64_t>{130, 13};
}

struct StepOptions {
  std::string model;
  std::vector<std::int64_t> shape;
  int threads = 1;
  bool flat = false, frozen = false;
  int pool = 128;    // random batches cycled through
  int warm_up = 0;   // untimed steps first
};

void run_steps(benchmark::State& state, const StepOptions& o) {
  const std::string& name = o.model;
  genre::train::set_compute_threads(o.threads);
  torch::manual_seed(0);
  ModelConfig config;
  config.name = name;
  const auto& shape = o.shape;
  auto net = genre::model::build_model(config, shape, 10);
  net->train();
  if (o.frozen) genre::model::freeze(*net, {"backbone"});
  const bool flat = o.flat;
  std::unique_ptr<genre::train::FlatParameters> flat_params;
  if (flat) flat_params = std::make_unique<genre::train::FlatParameters>(*net);
  torch::optim::Adam adam(flat ? std::vector<torch::Tensor>{flat_params->values()} : net->parameters(),
                          torch::optim::AdamOptions(1e-3).eps(1e-7));
  std::vector<std::int64_t> batch_shape{kBatch};
  batch_shape.insert(batch_shape.end(), shape.begin(), shape.end());
  // A pool of random batches with random labels: one batch repeated would be
  // learnt by heart, and its vanishing gradients turn denormal, which slows
  // the arithmetic down and measures that instead.
  const std::size_t pool = static_cast<std::size_t>(o.pool);
  std::vector<torch::Tensor> xs, ys;
  for (std::size_t i = 0; i < pool; ++i) {
    xs.push_back(torch::randn(batch_shape));
    ys.push_back(torch::randint(0, 10, {kBatch}, torch::kLong));
  }
  std::size_t next = 0;
  auto step = [&] {
    const torch::Tensor& x = xs[next % pool];
    const torch::Tensor& y = ys[next++ % pool];
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
  };
  for (int i = 0; i < o.warm_up; ++i) step();
  for (auto _ : state) step();
  state.SetItemsProcessed(state.iterations() * kBatch);
  std::string label = name + ", " + std::to_string(o.threads) + " thread(s)";
  if (shape.size() == 3) label += ", " + std::to_string(shape[1]) + "x" + std::to_string(shape[2]) + " images";
  if (o.frozen) label += ", backbone frozen";
  state.SetLabel(label + (flat ? ", flat parameters" : ""));
}

void step_loop(benchmark::State& state) {
  StepOptions o;
  o.model = kModels[state.range(0)];
  o.shape = sample_shape(o.model);
  o.threads = static_cast<int>(state.range(1));
  o.flat = state.range(2) != 0;
  run_steps(state, o);
}

void image_step(benchmark::State& state) {
  StepOptions o;
  o.model = kModels[state.range(0)];
  o.shape = {3, state.range(3), state.range(3)};
  o.threads = static_cast<int>(state.range(1));
  o.flat = true;
  o.frozen = state.range(2) != 0;
  o.pool = 4;  // 4 batches of 3x256x256 are 100 MB already
  o.warm_up = 1;
  run_steps(state, o);
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

void image_arguments(benchmark::internal::Benchmark* b) {
  b->ArgNames({"model", "threads", "frozen", "size"});
  for (int size : {64, 128, 256})
    for (int t : {1, 2}) {
      b->Args({3, t, 0, size});
      b->Args({4, t, 1, size});
      b->Args({4, t, 0, size});
    }
  b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
}

BENCHMARK(step_loop)->Apply(step_arguments);
BENCHMARK(image_step)->Apply(image_arguments);
BENCHMARK(trainer_epoch)->Apply(trainer_arguments);

}  // namespace

BENCHMARK_MAIN();
