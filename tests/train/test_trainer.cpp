// The trainer on real shards (written with data::ShardWriter): it learns, it
// writes its run folder, a saved model predicts as the trained one, a run
// interrupted by SIGTERM and resumed equals an uninterrupted run, early
// stopping and the per-epoch callback stop it.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "common/error.h"
#include "common/hash.h"
#include "common/stop_signal.h"
#include "support/test_support.h"
#include "synthetic_data.h"
#include "train/model_file.h"
#include "train/threads.h"
#include "train/trainer.h"

namespace genre::train {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<json> read_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<json> out;
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

TrainConfig small(const std::string& model, int epochs) {
  TrainConfig c;
  c.model.name = model;
  c.data.batch_size = 16;
  c.optim.lr = 1e-3;
  c.train.epochs = epochs;
  c.train.seed = 5;
  return c;
}

TrainResult train(const TrainConfig& c, const TrainingData& data, const fs::path& out, TrainerHooks hooks = {},
                  bool resume = false) {
  TrainerOptions o;
  o.out = out;
  o.resume = resume;
  o.log_epochs = getenv("GENRE_TEST_LOG") != nullptr;
  o.hooks = std::move(hooks);
  Trainer t(c, data, o);
  return t.run();
}

class TrainerOnShards : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    set_compute_threads(1);
    dir_ = new test::TempDir;
    test::SyntheticSpec spec;
    spec.columns = 12;
    const fs::path manifest = test::write_synthetic_dataset(dir_->path() / "data", spec);
    dataset_ = new data::Dataset(data::Dataset::open(manifest));
  }
  static void TearDownTestSuite() {
    delete dataset_;
    delete dir_;
  }
  static test::TempDir* dir_;
  static data::Dataset* dataset_;
};
test::TempDir* TrainerOnShards::dir_ = nullptr;
data::Dataset* TrainerOnShards::dataset_ = nullptr;

// Four classes: chance is 25%. The test split holds 8 tracks x 5 segments = 40
// segments; 60% correct by chance has probability < 1e-5 (binomial, p = 0.25),
// while the synthetic classes are separable enough that a few epochs reach
// well above it.
constexpr double kClearlyAboveChance = 0.6;

TEST_F(TrainerOnShards, CnnLearnsAndWritesItsRunFolder) {
  const TrainingData data = load_training_data(*dataset_, InputKind::Features);
  ASSERT_EQ(data.train.size(), 4 * 6 * 5);
  ASSERT_EQ(data.test.tracks(), 8);
  const fs::path out = dir_->path() / "cnn";
  TrainConfig c = small("cnn", 6);
  // Keras' batch-norm momentum (0.99, here 0.01) needs hundreds of steps before
  // the running statistics used at evaluation settle; this run has 48.
  c.model.bn_momentum = 0.1;
  const TrainResult r = train(c, data, out);
  EXPECT_EQ(r.outcome, Outcome::Completed);
  EXPECT_EQ(r.epochs_run, 6);
  ASSERT_TRUE(r.has_test);
  EXPECT_GE(r.test.accuracy, kClearlyAboveChance);
  EXPECT_GE(r.test.track_accuracy, kClearlyAboveChance);
  EXPECT_EQ(r.test.samples, 40);

  for (const char* f : {"config.yaml", "model.json", "checkpoint.pt", "state.pt", "metrics.jsonl", "final.json", "confusion.csv"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  const auto lines = read_lines(out / "metrics.jsonl");
  ASSERT_EQ(lines.size(), 6u);
  for (const char* key : {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "val_track_accuracy", "val_macro_f1"})
    EXPECT_TRUE(lines[5].contains(key)) << key;
  EXPECT_EQ(lines[5]["val"]["precision"].size(), 4u);
  std::ifstream final_in(out / "final.json");
  const json final_json = json::parse(final_in);
  EXPECT_EQ(final_json["outcome"], "completed");
  EXPECT_EQ(final_json["best_epoch"].get<int>(), r.best_epoch);
  EXPECT_DOUBLE_EQ(final_json["test"]["accuracy"].get<double>(), r.test.accuracy);
  EXPECT_EQ(final_json["test"]["confusion"].size(), 4u);
  const auto csv = test::read_file(out / "confusion.csv");
  EXPECT_EQ(csv.substr(0, 36), "true\\predicted,class0,class1,class2,");
}

TEST_F(TrainerOnShards, MlpLearnsFromTableRowsAndTrackRows) {
  for (InputKind input : {InputKind::Table, InputKind::TrackTable}) {
    SCOPED_TRACE(to_string(input));
    const TrainingData data = load_training_data(*dataset_, input);
    EXPECT_EQ(data.sample_shape, (std::vector<std::int64_t>{12}));
    // Track rows: 24 training samples, so more epochs at a higher rate; with 8
    // validation rows the accuracy saturates early, the loss keeps choosing.
    TrainConfig c = small("mlp", input == InputKind::TrackTable ? 60 : 8);
    c.data.batch_size = 8;
    if (input == InputKind::TrackTable) {
      c.optim.lr = 3e-3;
      c.train.metric = "val_loss";
    }
    const TrainResult r = train(c, data, {});
    // Segment rows: 40 test samples, as above. Track rows: 8; 6 of 8 right by
    // chance has probability 0.4% (binomial, p = 0.25).
    EXPECT_GE(r.test.accuracy, input == InputKind::TrackTable ? 6.0 / 8.0 : kClearlyAboveChance);
  }
  EXPECT_EQ(load_training_data(*dataset_, InputKind::TrackTable).test.size(), 8);
  EXPECT_EQ(resolve_input("auto", "mlp", true), InputKind::Table);
  EXPECT_EQ(resolve_input("auto", "cnn", true), InputKind::Features);
  EXPECT_THROW(resolve_input("table", "mlp", false), UsageError);
}

TEST_F(TrainerOnShards, SavedModelPredictsAsTheTrainedOne) {
  const TrainingData data = load_training_data(*dataset_, InputKind::Features);
  const fs::path out = dir_->path() / "saved";
  TrainConfig c = small("resnet", 1);
  c.model.stages = {8, 16};
  c.model.stem = 8;
  TrainerOptions o;
  o.out = out;
  o.log_epochs = false;
  Trainer trainer(c, data, o);
  trainer.run();
  trainer.model().eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor expected = trainer.model().forward(trainer.standardizer().apply(data.test.x));

  const TrainedModel loaded = load_trained_model(out, torch::kCPU);
  EXPECT_EQ(loaded.card.classes, data.classes);
  EXPECT_EQ(loaded.card.sample_shape, data.sample_shape);
  EXPECT_EQ(loaded.card.config.model.stages, (std::vector<int>{8, 16}));
  EXPECT_EQ(loaded.card.features.frames, 130);
  const torch::Tensor got = loaded.net->forward(loaded.card.standardizer.apply(data.test.x));
  EXPECT_TRUE(torch::allclose(got, expected, 1e-5, 1e-6));
  EXPECT_TRUE(torch::equal(got.argmax(1), expected.argmax(1)));

  // model.json names the checkpoint's hash (issue 13.15): a damaged or
  // swapped checkpoint.pt is refused by name, not loaded as confident garbage.
  const std::string weights = genre::test::read_file(out / "checkpoint.pt");
  EXPECT_EQ(nlohmann::json::parse(genre::test::read_file(out / "model.json"))["weights_xxh3"],
            hash_hex(content_hash(weights)));
  std::string flipped = weights;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x04);
  genre::test::write_file(out / "checkpoint.pt", flipped);
  const std::string e = genre::test::error_of([&] { load_trained_model(out, torch::kCPU); });
  EXPECT_NE(e.find((out / "checkpoint.pt").string() + " does not match model.json's hash"), std::string::npos) << e;
}

TEST_F(TrainerOnShards, ResumeAfterSigtermEqualsAnUninterruptedRun) {
  const TrainingData data = load_training_data(*dataset_, InputKind::Features);
  TrainConfig c = small("cnn", 3);  // with dropout and batch norm: both must replay exactly
  const TrainResult whole = train(c, data, dir_->path() / "whole");

  // SIGTERM raised for real in the middle of epoch 2 (8 steps per epoch).
  install_stop_signal();
  reset_stop_signal();
  int steps = 0;
  TrainerHooks hooks;
  hooks.interrupt_requested = [&] {
    if (++steps == 11) std::raise(SIGTERM);
    return stop_requested();
  };
  const fs::path out = dir_->path() / "interrupted";
  const TrainResult first = train(c, data, out, hooks);
  reset_stop_signal();
  EXPECT_EQ(first.outcome, Outcome::Interrupted);
  EXPECT_EQ(first.epochs_run, 1);
  EXPECT_EQ(read_lines(out / "metrics.jsonl").size(), 1u);
  EXPECT_FALSE(fs::exists(out / "final.json"));

  const TrainResult rest = train(c, data, out, {}, /*resume=*/true);
  EXPECT_EQ(rest.outcome, Outcome::Completed);
  EXPECT_EQ(rest.epochs_run, 3);
  EXPECT_EQ(rest.best_epoch, whole.best_epoch);
  EXPECT_EQ(rest.test.confusion, whole.test.confusion);
  EXPECT_DOUBLE_EQ(rest.test.loss, whole.test.loss);
  const auto a = read_lines(dir_->path() / "whole" / "metrics.jsonl"), b = read_lines(out / "metrics.jsonl");
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    for (const char* key : {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"})
      EXPECT_DOUBLE_EQ(a[i][key].get<double>(), b[i][key].get<double>()) << "epoch " << i + 1 << " " << key;

  // Resuming must not quietly change what is learnt.
  TrainConfig changed = c;
  changed.optim.lr = 0.5;
  try {
    train(changed, data, out, {}, true);
    FAIL() << "expected an error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("optim.lr"), std::string::npos) << e.what();
  }
}

TEST_F(TrainerOnShards, EarlyStoppingAndTheEpochCallbackStopTheRun) {
  const TrainingData data = load_training_data(*dataset_, InputKind::Table);
  TrainConfig c = small("mlp", 20);
  c.optim.lr = 1e-9;  // nothing improves after the first epoch
  c.train.metric = "val_loss";
  c.train.patience = 2;
  c.train.min_delta = 1e-3;
  const TrainResult early = train(c, data, {});
  EXPECT_EQ(early.outcome, Outcome::EarlyStopped);
  EXPECT_EQ(early.epochs_run, 3);
  EXPECT_EQ(early.best_epoch, 1);

  std::vector<int> seen;
  TrainerHooks hooks;
  hooks.on_epoch = [&](const EpochRecord& e) {
    seen.push_back(e.epoch);
    EXPECT_TRUE(e.has_val);
    EXPECT_GE(e.value("val_accuracy"), 0.0);
    return e.epoch < 2;  // prune after the second epoch
  };
  TrainConfig d = small("mlp", 20);
  const TrainResult pruned = train(d, data, {}, hooks);
  EXPECT_EQ(pruned.outcome, Outcome::Stopped);
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
  EXPECT_EQ(pruned.epochs_run, 2);
}

TEST_F(TrainerOnShards, ADivergingRunFailsWithTheReason) {
  const TrainingData data = load_training_data(*dataset_, InputKind::Table);
  TrainConfig c = small("mlp", 5);
  c.optim.name = "sgd";
  c.optim.lr = 10;  // on unstandardised rows of magnitude 10: the loss overflows
  c.data.standardize = false;
  try {
    train(c, data, {});
    FAIL() << "expected the run to diverge";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("diverged"), std::string::npos) << e.what();
  }
}

TEST(Trainer, RejectsConfigsThatDoNotFitTheData) {
  test::SyntheticSpec spec;
  spec.frames = 8;
  spec.dims = 4;
  spec.tracks_per_class = 5;
  TrainingData data = test::synthetic_training_data(spec);
  TrainConfig c = small("mlp", 1);
  c.train.patience = 3;
  data.val = PartData{};
  EXPECT_THROW(Trainer(c, data, {}), UsageError);
  c = small("cnn", 1);  // 8x4 is too small for the seed's three conv blocks
  EXPECT_THROW(Trainer(c, data, {}).run(), UsageError);
}

// Standardisation statistics come from the training split alone and travel
// with the model: the saved mean/std are those of train.x, not of all rows.
TEST_F(TrainerOnShards, StandardizerIsFittedOnTheTrainingSplitOnly) {
  const TrainingData data = load_training_data(*dataset_, InputKind::Table);
  const fs::path out = dir_->path() / "standardised";
  TrainConfig c = small("mlp", 1);
  c.data.input = "table";
  c.data.standardize = true;
  TrainerOptions o;
  o.out = out;
  o.log_epochs = false;
  Trainer(c, data, o).run();
  const Standardizer saved = load_trained_model(out, torch::kCPU).card.standardizer;
  const Standardizer train_only = Standardizer::fit(data.train.x);
  const Standardizer everything = Standardizer::fit(torch::cat({data.train.x, data.val.x, data.test.x}));
  ASSERT_EQ(saved.mean.size(), train_only.mean.size());
  for (std::size_t i = 0; i < saved.mean.size(); ++i) {
    EXPECT_FLOAT_EQ(saved.mean[i], train_only.mean[i]) << i;
    EXPECT_FLOAT_EQ(saved.std[i], train_only.std[i]) << i;
  }
  EXPECT_NE(saved.mean, everything.mean);  // the two fits differ on this data
}

}  // namespace
}  // namespace genre::train
