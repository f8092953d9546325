// Data parallelism under real mpiexec ranks: after N steps, P ranks with
// batch B/P each hold the same parameters as one rank with batch B (within
// 1e-5), for the MLP and the CNN. Every rank also trains the single-rank
// reference itself (a serial Trainer), so each rank checks its own replica.
//
// Batch norm: each rank normalises with its own share's statistics (no
// SyncBatchNorm), which changes the arithmetic, so the exact equivalence is
// tested with model.batch_norm off; with batch norm on, the test checks that
// the replicas stay identical to each other (running statistics averaged after
// every epoch) and close to the single-rank run.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/error.h"
#include "dist/communicator.h"
#include "model/registry.h"
#include "synthetic_data.h"
#include "train/data_parallel.h"
#include "train/threads.h"

namespace genre::train {
namespace {

TrainConfig exact_config(const std::string& model) {
  TrainConfig c;
  c.model.name = model;
  c.model.dropout = 0.0;  // dropout masks are per rank: off for the equivalence
  c.model.hidden = {64, 32};
  c.data.batch_size = 8;
  c.optim.lr = 1e-3;
  c.train.epochs = 2;
  c.train.seed = 11;
  return c;
}

struct Trained {
  std::vector<torch::Tensor> params, buffers;
  TrainResult result;
};

Trained run(Trainer& t) {
  Trained out;
  out.result = t.run();
  for (const auto& p : t.model().parameters()) out.params.push_back(p.detach().clone());
  for (const auto& b : t.model().buffers()) out.buffers.push_back(b.detach().clone());
  return out;
}

Trained serial(const TrainConfig& c, const TrainingData& data) {
  TrainerOptions o;
  o.log_epochs = false;
  Trainer t(c, data, o);
  return run(t);
}

Trained parallel(const TrainConfig& c, const TrainingData& data, dist::Communicator& comm, TrainerHooks hooks = {}) {
  TrainerOptions o;
  o.log_epochs = false;
  o.hooks = std::move(hooks);
  DataParallelTrainer t(c, data, o, comm);
  return run(t);
}

// The weights a run starts from (the trainer seeds torch with train.seed before building).
std::vector<torch::Tensor> initial_parameters(const TrainConfig& c, const TrainingData& data) {
  torch::manual_seed(c.train.seed);
  const model::NetPtr net = model::build_model(c.model, data.sample_shape, static_cast<int>(data.classes.size()));
  std::vector<torch::Tensor> out;
  for (const auto& p : net->parameters()) out.push_back(p.detach().clone());
  return out;
}

double max_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    worst = std::max(worst, (a[i].to(torch::kDouble) - b[i].to(torch::kDouble)).abs().max().item<double>());
  ::testing::Test::RecordProperty("max_parameter_difference", std::to_string(worst));
  if (dist::Comm::world().rank() == 0) std::printf("  max |parameter difference| = %.3g\n", worst);
  return worst;
}

// Every rank's parameters against rank 0's.
double spread_across_ranks(const std::vector<torch::Tensor>& mine, dist::Communicator& comm) {
  double worst = 0;
  for (const auto& t : mine) {
    torch::Tensor root = t.clone();
    comm.broadcast(root, 0);
    worst = std::max(worst, (root - t).abs().max().item<double>());
  }
  torch::Tensor w = torch::full({1}, worst, torch::kDouble);
  comm.allreduce_sum(w);
  return w.item<double>();
}

class DataParallel : public ::testing::Test {
 protected:
  void SetUp() override {
    genre::train::set_compute_threads(1);  // ranks share the CI machine's two cores
    comm_ = dist::make_communicator(dist::Comm::world(), torch::kCPU);
  }
  std::unique_ptr<dist::Communicator> comm_;
};

test::SyntheticSpec small_spec(int frames, int dims) {
  test::SyntheticSpec s;
  s.frames = frames;
  s.dims = dims;
  s.tracks_per_class = 5;  // 4 classes x 3 train tracks x 5 segments = 60 samples: 8 steps of 8 (the last 4)
  return s;
}

TEST_F(DataParallel, MlpMatchesOneRankWithTheWholeBatch) {
  const TrainingData data = test::synthetic_training_data(small_spec(20, 13));
  const TrainConfig c = exact_config("mlp");
  const Trained one = serial(c, data), many = parallel(c, data, *comm_);
  EXPECT_LE(max_difference(one.params, many.params), 1e-5);
  EXPECT_EQ(many.result.epochs_run, 2);
  // Metrics are reduced over ranks: the same numbers as the single rank's.
  EXPECT_EQ(many.result.test.confusion, one.result.test.confusion);
  EXPECT_NEAR(many.result.test.loss, one.result.test.loss, 1e-5);
  EXPECT_NEAR(many.result.test.track_accuracy, one.result.test.track_accuracy, 1e-12);
}

TEST_F(DataParallel, CnnWithoutBatchNormMatchesOneRank) {
  const TrainingData data = test::synthetic_training_data(small_spec(40, 13));
  TrainConfig c = exact_config("cnn");
  c.model.batch_norm = false;
  const Trained one = serial(c, data), many = parallel(c, data, *comm_);
  EXPECT_LE(max_difference(one.params, many.params), 1e-5);
}

TEST_F(DataParallel, UnevenSharesStillAverageToTheGlobalBatch) {
  // Batch 7 over 2 ranks is 4 + 3 samples, and the last batch of 60 is 4 (2 + 2).
  const TrainingData data = test::synthetic_training_data(small_spec(20, 13));
  TrainConfig c = exact_config("mlp");
  c.data.batch_size = 7;
  c.optim.name = "sgd";
  c.optim.lr = 0.05;
  const Trained one = serial(c, data), many = parallel(c, data, *comm_);
  EXPECT_LE(max_difference(one.params, many.params), 1e-5);
}

TEST_F(DataParallel, WithBatchNormReplicasStayIdentical) {
  if (comm_->size() < 2) GTEST_SKIP() << "compares replicas: needs two ranks (train.data_parallel_mpi_2)";
  const TrainingData data = test::synthetic_training_data(small_spec(40, 13));
  TrainConfig c = exact_config("cnn");
  c.model.dropout = 0.3;  // per-rank masks: replicas must still agree after every step
  const Trained many = parallel(c, data, *comm_);
  // Each rank normalised its own share and drew its own masks, so the replicas
  // stay equal only through the averaged gradients and running statistics.
  EXPECT_EQ(spread_across_ranks(many.params, *comm_), 0.0);
  EXPECT_EQ(spread_across_ranks(many.buffers, *comm_), 0.0);
  // And they did train: not the initial weights.
  EXPECT_EQ(many.result.epochs_run, 2);
  EXPECT_GT(max_difference(many.params, initial_parameters(c, data)), 1e-4);
}

TEST_F(DataParallel, OneRankWithBatchNormIsTheSerialTrainer) {
  if (comm_->size() != 1) GTEST_SKIP() << "with batch norm, P > 1 ranks differ from one by design";
  const TrainingData data = test::synthetic_training_data(small_spec(40, 13));
  const TrainConfig c = exact_config("cnn");
  EXPECT_LE(max_difference(serial(c, data).params, parallel(c, data, *comm_).params), 1e-6);
}

TEST_F(DataParallel, AnInterruptOnOneRankStopsEveryRankAtTheSameStep) {
  const TrainingData data = test::synthetic_training_data(small_spec(20, 13));
  int steps = 0;
  TrainerHooks hooks;
  const int last = comm_->size() - 1;
  hooks.interrupt_requested = [&] { return comm_->rank() == last && ++steps == 5; };
  const Trained many = parallel(exact_config("mlp"), data, *comm_, hooks);
  EXPECT_EQ(many.result.outcome, Outcome::Interrupted);
  EXPECT_EQ(many.result.epochs_run, 0);
  EXPECT_EQ(spread_across_ranks(many.params, *comm_), 0.0);
}

TEST_F(DataParallel, ResumedAfterAnInterruptEqualsAnUninterruptedRun) {
  // Rank 0 writes the run folder, every rank reads state.pt back (one machine
  // here; a shared filesystem on a cluster).
  const dist::Comm world = dist::Comm::world();
  std::string folder;
  if (world.rank() == 0) {
    char name[] = "/tmp/genre-dp-resume-XXXXXX";
    folder = mkdtemp(name);
  }
  folder = world.broadcast(folder, 0);
  const TrainingData data = test::synthetic_training_data(small_spec(20, 13));
  TrainConfig c = exact_config("mlp");
  c.model.dropout = 0.3;  // per-rank masks must replay too
  c.train.epochs = 3;
  const Trained whole = parallel(c, data, *comm_);

  int steps = 0;
  TrainerHooks hooks;
  hooks.interrupt_requested = [&] { return ++steps == 11; };  // in epoch 2 (8 steps per epoch)
  TrainerOptions o;
  o.out = folder;
  o.log_epochs = false;
  o.hooks = hooks;
  {
    DataParallelTrainer first(c, data, o, *comm_);
    EXPECT_EQ(first.run().outcome, Outcome::Interrupted);
  }
  o.resume = true;
  o.hooks = {};
  DataParallelTrainer rest(c, data, o, *comm_);
  const Trained resumed = run(rest);
  EXPECT_EQ(resumed.result.outcome, Outcome::Completed);
  EXPECT_EQ(max_difference(whole.params, resumed.params), 0.0);
  EXPECT_EQ(resumed.result.test.confusion, whole.result.test.confusion);
  comm_->barrier();
  if (world.rank() == 0) std::filesystem::remove_all(folder);
}

// A failure on one rank alone (an out-of-memory on one GPU, a write that
// fails on rank 0, a callback that throws) ends the run on every rank with
// the same error instead of leaving the others blocked in an allreduce. A
// hang fails the test through ctest's timeout.
std::string error_on_every_rank(const TrainConfig& c, const TrainingData& data, dist::Communicator& comm,
                                TrainerHooks hooks, bool* usage = nullptr) {
  try {
    parallel(c, data, comm, std::move(hooks));
  } catch (const UsageError& e) {
    if (usage) *usage = true;
    return describe(e);
  } catch (const std::exception& e) {
    if (usage) *usage = false;
    return describe(e);
  }
  return "";
}

TEST_F(DataParallel, AFailureInOneRanksStepEndsTheRunOnEveryRank) {
  const TrainingData data = test::synthetic_training_data(small_spec(20, 13));
  const int last = comm_->size() - 1;
  int steps = 0;
  TrainerHooks hooks;
  hooks.interrupt_requested = [&] {
    if (comm_->rank() == last && ++steps == 3) throw Error("a simulated failure in step 3");
    return false;
  };
  const std::string error = error_on_every_rank(exact_config("mlp"), data, *comm_, hooks);
  const std::string expected = comm_->size() == 1 ? "a simulated failure in step 3"
                                                  : "rank " + std::to_string(last) + " of " +
                                                        std::to_string(comm_->size()) + ": a simulated failure in step 3";
  EXPECT_EQ(error, expected);
}

TEST_F(DataParallel, AFailureInOneRanksEpochCallbackEndsTheRunOnEveryRankAlike) {
  const TrainingData data = test::synthetic_training_data(small_spec(20, 13));
  TrainerHooks hooks;
  hooks.on_epoch = [&](const EpochRecord& record) {
    if (comm_->rank() == 0 && record.epoch == 2) throw UsageError("metric 'x' is not reported");
    return true;
  };
  TrainConfig c = exact_config("mlp");
  c.train.epochs = 3;
  bool usage = false;
  const std::string error = error_on_every_rank(c, data, *comm_, hooks, &usage);
  EXPECT_EQ(error, comm_->size() == 1 ? "metric 'x' is not reported"
                                      : "rank 0 of " + std::to_string(comm_->size()) + ": metric 'x' is not reported");
  EXPECT_TRUE(usage);  // a usage error stays one (exit 2) on every rank
  // Every rank is still in step: a collective after the failure completes.
  torch::Tensor one = torch::ones({1});
  comm_->allreduce_sum(one);
  EXPECT_EQ(one.item<float>(), static_cast<float>(comm_->size()));
}

TEST_F(DataParallel, RefusesADeviceTheCommunicatorCannotMove) {
  const TrainingData data = test::synthetic_training_data(small_spec(20, 13));
  TrainerOptions o;
  o.device = torch::Device(torch::kCUDA, 0);
  EXPECT_THROW(DataParallelTrainer(exact_config("mlp"), data, o, *comm_), Error);
}

}  // namespace
}  // namespace genre::train
