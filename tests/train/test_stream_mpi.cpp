// The streaming backend under real mpiexec ranks (train.data_parallel_mpi_1
// and _2): in every epoch the ranks read disjoint training samples whose
// union is the training split, and the ranks' evaluation sums, reduced,
// give exactly the metrics of one rank evaluating the whole part alone (and
// of the in-memory backend): the same confusion matrices, accuracy, track
// accuracy and F1; the loss to float32 rounding.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "dist/communicator.h"
#include "dist/mpi.h"
#include "model/registry.h"
#include "synthetic_data.h"
#include "support/test_support.h"
#include "train/evaluation.h"
#include "train/in_memory_source.h"
#include "train/stream_source.h"
#include "train/threads.h"

namespace genre::train {
namespace {

namespace fs = std::filesystem;
using Key = std::tuple<std::int64_t, float, float>;

Key key_of(const Batch& b, std::int64_t i) {
  return {b.track[i].item<std::int64_t>(), b.x[i][0][0].item<float>(), b.x[i][0][1].item<float>()};
}

class StreamMpi : public ::testing::Test {
 protected:
  void SetUp() override {
    set_compute_threads(1);
    comm_ = dist::make_communicator(world_, torch::kCPU);
    // Rank 0 writes the shards into its scratch folder; every rank reads them.
    std::string folder;
    if (world_.rank() == 0) {
      dir_ = std::make_unique<test::TempDir>();
      test::SyntheticSpec s;
      s.segments = 6;
      s.frames = 16;
      s.dims = 1024;  // 16 rows a chunk: several chunks per shard
      test::write_synthetic_dataset(dir_->path(), s);
      folder = dir_->path().string();
    }
    folder = world_.broadcast(folder, 0);
    dataset_ = std::make_unique<data::Dataset>(data::Dataset::open(folder));
  }
  void TearDown() override {
    world_.barrier();  // nobody reads the shards any more when rank 0 removes them
  }
  BatchPlan plan(int rank, int ranks) const {
    BatchPlan p;
    p.rank = rank;
    p.ranks = ranks;
    p.batch_size = 10;
    p.eval_batch_size = 7;
    p.seed = 5;
    return p;
  }

  dist::Comm world_ = dist::Comm::world();
  std::unique_ptr<dist::Communicator> comm_;
  std::unique_ptr<test::TempDir> dir_;
  std::unique_ptr<data::Dataset> dataset_;
};

TEST_F(StreamMpi, TheRanksReadDisjointSamplesWhoseUnionIsTheTrainingSplit) {
  const TrainingData memory = load_training_data(*dataset_, InputKind::Features);
  std::map<Key, std::int64_t> index;  // every training sample, numbered
  for (std::int64_t i = 0; i < memory.train.size(); ++i)
    index.emplace(Key{memory.train.track[i].item<std::int64_t>(), memory.train.x[i][0][0].item<float>(),
                      memory.train.x[i][0][1].item<float>()},
                  i);
  ASSERT_EQ(static_cast<std::int64_t>(index.size()), memory.train.size());
  const StreamSource source(*dataset_, {});
  const auto train = source.training(plan(comm_->rank(), comm_->size()));
  for (int epoch : {0, 1}) {
    torch::Tensor seen = torch::zeros({memory.train.size()}, torch::kDouble);
    for (std::int64_t k = 0; k < train->steps(); ++k) {
      const Batch b = train->batch(epoch, k);
      for (std::int64_t i = 0; i < b.size(); ++i) seen[index.at(key_of(b, i))] += 1;
    }
    comm_->allreduce_sum(seen);
    EXPECT_EQ(seen.min().item<double>(), 1.0) << "epoch " << epoch << ": a sample nobody read";
    EXPECT_EQ(seen.max().item<double>(), 1.0) << "epoch " << epoch << ": a sample read twice";
  }
  // Each rank read about its share of the chunks, not all of them.
  if (comm_->size() > 1) {
    const StreamSource alone(*dataset_, {});
    const auto whole = alone.training(plan(0, 1));
    for (std::int64_t k = 0; k < whole->steps(); ++k) whole->batch(0, k);
    EXPECT_LT(static_cast<double>(source.held().read()) / 2, 0.8 * static_cast<double>(alone.held().read()));
  }
}

TEST_F(StreamMpi, TheRanksEvaluationEqualsOneRanksExactly) {
  model::ModelConfig m;
  m.name = "mlp";
  m.hidden = {16};
  torch::manual_seed(4);
  const model::NetPtr net = model::build_model(m, {16, 1024}, 4);
  const StreamSource source(*dataset_, {});
  const TrainingData data = load_training_data(*dataset_, InputKind::Features);
  const InMemorySource memory(data);
  for (data::Part part : {data::Part::Val, data::Part::Test}) {
    const PartInfo& info = source.info().part(part);
    BatchPlan p = plan(comm_->rank(), comm_->size());
    p.standardizer = source.fit_standardizer();
    MetricSums shared(4, info.tracks(), torch::kCPU), alone(4, info.tracks(), torch::kCPU),
        in_memory(4, info.tracks(), torch::kCPU);
    evaluate(*net, *source.evaluation(part, p), 0.0, shared);
    comm_->allreduce_sum(shared.values());
    BatchPlan one = plan(0, 1);
    one.standardizer = p.standardizer;
    evaluate(*net, *source.evaluation(part, one), 0.0, alone);
    evaluate(*net, *memory.evaluation(part, one), 0.0, in_memory);
    for (const MetricSums* other : {&alone, &in_memory}) {
      const Metrics a = shared.metrics(info.track_label), b = other->metrics(info.track_label);
      EXPECT_EQ(a.samples, b.samples);
      EXPECT_EQ(a.confusion, b.confusion);
      EXPECT_EQ(a.track_confusion, b.track_confusion);
      EXPECT_EQ(a.accuracy, b.accuracy);
      EXPECT_EQ(a.track_accuracy, b.track_accuracy);
      EXPECT_EQ(a.macro_f1, b.macro_f1);
      // Counts are exact; a loss is a float32 per sample, computed in batches
      // of another make-up (matrix products of other shapes round otherwise).
      EXPECT_NEAR(a.loss, b.loss, 1e-6 * b.loss);
    }
  }
}

}  // namespace
}  // namespace genre::train
