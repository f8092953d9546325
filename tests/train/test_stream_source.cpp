// The streaming backend (stream_source.h) on real shards written by the real
// writer: over R ranks every training sample comes exactly once per epoch;
// the order is reproducible from the seed, new every epoch, and a resumed
// epoch continues it; evaluation shares partition a part with the in-memory
// backend's track numbering; the bytes it holds stay within the budget; a
// shard corrupted mid-stream fails with one line naming it; and a model
// trained on the stream learns what one trained in memory learns.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "common/error.h"
#include "data/shard.h"
#include "synthetic_data.h"
#include "support/test_support.h"
#include "train/in_memory_source.h"
#include "train/source_factory.h"
#include "train/stream_source.h"
#include "train/trainer.h"

namespace genre::train {
namespace {

namespace fs = std::filesystem;

// A sample is known by its label, its track and its first two values (the
// synthetic noise makes those unique).
using Key = std::tuple<std::int64_t, std::int64_t, float, float>;

class StreamSourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    test::SyntheticSpec s;
    s.classes = 4;
    s.tracks_per_class = 10;
    s.segments = 7;
    s.frames = 16;
    s.dims = 1024;  // 64 KiB rows: the writer chunks them 16 rows a chunk, so each shard has several chunks
    test::write_synthetic_dataset(dir_->path(), s);
    dataset_ = new data::Dataset(data::Dataset::open(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete dataset_;
    delete dir_;
  }

  static BatchPlan plan(int rank, int ranks, std::uint64_t seed = 7) {
    BatchPlan p;
    p.rank = rank;
    p.ranks = ranks;
    p.batch_size = 12;
    p.eval_batch_size = 10;
    p.seed = seed;
    return p;
  }

  static std::vector<Key> keys(const Batch& b) {
    std::vector<Key> out;
    for (std::int64_t i = 0; i < b.size(); ++i)
      out.emplace_back(b.y[i].item<std::int64_t>(), b.track[i].item<std::int64_t>(), b.x[i][0][0].item<float>(),
                       b.x[i][0][1].item<float>());
    return out;
  }

  // One rank's epoch, batch by batch.
  static std::vector<std::vector<Key>> epoch(const DataSource& source, const BatchPlan& p, int e) {
    const auto t = source.training(p);
    std::vector<std::vector<Key>> out;
    for (std::int64_t k = 0; k < t->steps(); ++k) out.push_back(keys(t->batch(e, k)));
    return out;
  }

  static std::multiset<Key> all_training_keys() {
    const TrainingData d = load_training_data(*dataset_, InputKind::Features);
    const InMemorySource memory(d);
    BatchPlan p = plan(0, 1);
    p.shuffle = false;
    std::multiset<Key> out;
    for (const auto& b : epoch(memory, p, 0)) out.insert(b.begin(), b.end());
    return out;
  }

  static inline test::TempDir* dir_ = nullptr;
  static inline data::Dataset* dataset_ = nullptr;
};

TEST_F(StreamSourceTest, ReadsTheShardsChunkRows) {
  const data::ShardRows rows(dataset_->shard_path(0));
  EXPECT_EQ(rows.chunk_rows(), 16u);
  EXPECT_EQ(rows.row_size(), 16u * 1024u);
  EXPECT_EQ(rows.read_features(3, 2).size(), 2u * 16u * 1024u);
}

TEST_F(StreamSourceTest, EverySampleOncePerEpochOverTheRanks) {
  const StreamSource source(*dataset_, {});
  const std::multiset<Key> expected = all_training_keys();
  ASSERT_EQ(static_cast<std::int64_t>(expected.size()), source.info().train.samples);
  for (int ranks : {1, 2, 3}) {
    for (int e : {0, 1}) {
      std::multiset<Key> seen;
      std::vector<std::vector<Key>> per_rank;
      std::int64_t steps = -1;
      for (int r = 0; r < ranks; ++r) {
        const auto t = source.training(plan(r, ranks));
        if (steps >= 0) {
          EXPECT_EQ(t->steps(), steps) << "every rank takes the same number of steps";
        }
        steps = t->steps();
        std::vector<Key> mine;
        for (std::int64_t k = 0; k < steps; ++k) {
          const Batch b = t->batch(e, k);
          EXPECT_LE(b.global, 12 + ranks);
          for (const Key& key : keys(b)) mine.push_back(key);
        }
        seen.insert(mine.begin(), mine.end());
        per_rank.push_back(mine);
      }
      EXPECT_EQ(seen, expected) << ranks << " ranks, epoch " << e;
      EXPECT_EQ(steps, (source.info().train.samples + 11) / 12);
    }
  }
}

TEST_F(StreamSourceTest, TheRanksBatchesOfAStepAddUpToTheGlobalBatch) {
  const StreamSource source(*dataset_, {});
  std::vector<std::unique_ptr<TrainBatches>> ranks;
  for (int r = 0; r < 3; ++r) ranks.push_back(source.training(plan(r, 3)));
  std::int64_t total = 0;
  for (std::int64_t k = 0; k < ranks[0]->steps(); ++k) {
    std::int64_t sizes = 0, global = -1;
    for (auto& t : ranks) {
      const Batch b = t->batch(0, k);
      sizes += b.size();
      if (global >= 0) {
        EXPECT_EQ(b.global, global);
      }
      global = b.global;
    }
    EXPECT_EQ(sizes, global) << "step " << k;
    total += sizes;
  }
  EXPECT_EQ(total, source.info().train.samples);
}

TEST_F(StreamSourceTest, TheOrderComesFromTheSeedAndChangesEveryEpoch) {
  const StreamSource source(*dataset_, {});
  const auto first = epoch(source, plan(0, 2), 0);
  EXPECT_EQ(epoch(source, plan(0, 2), 0), first) << "same seed, same epoch: the same batches";
  EXPECT_NE(epoch(source, plan(0, 2), 1), first) << "a new epoch: a new order";
  EXPECT_NE(epoch(source, plan(0, 2, 8), 0), first) << "another seed: another order";
  // A resumed run starts the epoch at any step and goes on as if it had not stopped.
  const auto t = source.training(plan(0, 2));
  for (std::int64_t k : {std::int64_t{3}, std::int64_t{4}}) EXPECT_EQ(keys(t->batch(0, k)), first[static_cast<std::size_t>(k)]);
}

TEST_F(StreamSourceTest, WithoutShuffleTheStreamIsInFileOrder) {
  const StreamSource source(*dataset_, {});
  BatchPlan p = plan(0, 1);
  p.shuffle = false;
  const auto a = epoch(source, p, 0);
  EXPECT_EQ(epoch(source, p, 3), a) << "no shuffle: every epoch alike";
}

TEST_F(StreamSourceTest, EvaluationSharesPartitionThePartWithTheInMemoryTracks) {
  const StreamSource source(*dataset_, {});
  const TrainingData d = load_training_data(*dataset_, InputKind::Features);
  const InMemorySource memory(d);
  for (data::Part part : {data::Part::Val, data::Part::Test}) {
    EXPECT_EQ(source.info().part(part).track_label, memory.info().part(part).track_label);
    std::multiset<Key> expected, seen;
    memory.evaluation(part, plan(0, 1))->for_each([&](const Batch& b) {
      for (const Key& k : keys(b)) expected.insert(k);
    });
    for (int r = 0; r < 3; ++r)
      source.evaluation(part, plan(r, 3))->for_each([&](const Batch& b) {
        EXPECT_LE(b.size(), 10);
        for (const Key& k : keys(b)) seen.insert(k);
      });
    EXPECT_EQ(seen, expected);
  }
}

TEST_F(StreamSourceTest, StandardisationStatisticsEqualTheInMemoryOnes) {
  const StreamSource source(*dataset_, {});
  const TrainingData d = load_training_data(*dataset_, InputKind::Features);
  const Standardizer a = source.fit_standardizer(), b = InMemorySource(d).fit_standardizer();
  ASSERT_EQ(a.mean.size(), 1024u);
  for (std::size_t i = 0; i < a.mean.size(); ++i) {
    EXPECT_NEAR(a.mean[i], b.mean[i], 1e-5);
    EXPECT_NEAR(a.std[i], b.std[i], 1e-5);
  }
  // Applied per batch: the stream's samples arrive standardised.
  BatchPlan p = plan(0, 1);
  p.standardizer = a;
  const Batch batch = source.training(p)->batch(0, 0);
  EXPECT_LT(batch.x.mean().abs().item<double>(), 0.5);
}

TEST_F(StreamSourceTest, TheBytesItHoldsStayWithinTheBudget) {
  const std::int64_t data_bytes = in_memory_bytes(*dataset_, InputKind::Features);
  StreamOptions o;
  o.queue_depth = 2;
  const std::int64_t queue = (2 + 2) * 16 * 16 * 1024 * 4;
  o.budget_bytes = queue + 20 * (16 * 1024 * 4 + 16);  // the queue and a 20-sample shuffle buffer
  ASSERT_GT(data_bytes, 3 * o.budget_bytes) << "the test needs a dataset well over the budget";
  const StreamSource source(*dataset_, o);
  EXPECT_EQ(source.queue_bytes(), queue);
  EXPECT_EQ(source.buffer_samples(1, true), 20);
  const std::multiset<Key> expected = all_training_keys();
  std::multiset<Key> seen;
  for (const auto& b : epoch(source, plan(0, 1), 0)) seen.insert(b.begin(), b.end());
  EXPECT_EQ(seen, expected);
  source.evaluation(data::Part::Test, plan(0, 1))->for_each([](const Batch&) {});
  EXPECT_GT(source.held().peak(), 0);
  EXPECT_LE(source.held().peak(), o.budget_bytes);
  EXPECT_EQ(source.held().now(), 0) << "a finished epoch and evaluation hold nothing";
  EXPECT_GE(source.held().read(), expected.size() * 16 * 1024 * 4);
  // Too small a budget for the queue is a usage error naming the key.
  o.budget_bytes = queue / 2;
  try {
    StreamSource too_small(*dataset_, o);
    ADD_FAILURE() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("data.memory_budget_mb"), std::string::npos) << e.what();
  }
}

TEST_F(StreamSourceTest, EachRankReadsAboutItsShare) {
  const StreamSource one(*dataset_, {}), two(*dataset_, {});
  epoch(one, plan(0, 1), 0);
  epoch(two, plan(0, 2), 0);
  const double ratio = static_cast<double>(two.held().read()) / static_cast<double>(one.held().read());
  EXPECT_GT(ratio, 0.4);
  EXPECT_LT(ratio, 0.7) << "rank 0 of 2 reads about half of the chunks";
}

TEST_F(StreamSourceTest, ACorruptShardMidStreamFailsWithOneLineNamingIt) {
  test::TempDir copy;
  fs::copy(dir_->path(), copy.path(), fs::copy_options::recursive);
  const data::Dataset ds = data::Dataset::open(copy.path());
  const StreamSource source(ds, {});
  const fs::path shard = ds.shard_path(1);
  fs::resize_file(shard, fs::file_size(shard) / 2);  // truncated after the source indexed it
  try {
    epoch(source, plan(0, 1), 0);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    const std::string line = describe(e);
    EXPECT_NE(line.find(shard.filename().string()), std::string::npos) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  }
}

TEST_F(StreamSourceTest, TheFactoryStreamsWhatDoesNotFitTheBudget) {
  DataConfig c;
  c.memory_budget_mb = 4096;
  EXPECT_FALSE(open_data(*dataset_, InputKind::Features, c).streamed);
  c.memory_budget_mb = 16;  // the dataset is about 18 MiB
  const OpenedData d = open_data(*dataset_, InputKind::Features, c);
  EXPECT_TRUE(d.streamed);
  EXPECT_EQ(d.source->info().train.samples, load_training_data(*dataset_, InputKind::Features).train.size());
  EXPECT_FALSE(open_data(*dataset_, InputKind::Features, c).source == nullptr);
}

// Streaming and in-memory training of one small MLP reach the same test
// accuracy within noise: the same data and epochs, orders drawn differently.
// The test split holds 8 tracks x 7 segments; the MLP gets nearly all of them
// right on this data, so "within noise" is within 10 points of each other
// and both far above chance (25%).
TEST_F(StreamSourceTest, TrainingOnTheStreamLearnsWhatTrainingInMemoryLearns) {
  TrainConfig c;
  c.model.name = "mlp";
  c.model.hidden = {32};
  c.data.batch_size = 16;
  c.train.epochs = 4;
  c.train.seed = 3;
  TrainerOptions o;
  o.log_epochs = false;
  const TrainingData d = load_training_data(*dataset_, InputKind::Features);
  const TrainResult memory = Trainer(c, d, o).run();
  const StreamSource source(*dataset_, {});
  const TrainResult stream = Trainer(c, source, o).run();
  ASSERT_TRUE(memory.has_test && stream.has_test);
  EXPECT_GT(memory.test.accuracy, 0.6);
  EXPECT_GT(stream.test.accuracy, 0.6);
  EXPECT_NEAR(stream.test.accuracy, memory.test.accuracy, 0.1);
}

}  // namespace
}  // namespace genre::train
