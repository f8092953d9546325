// Checkpoint and resume (run_folder.h) on real files: state.pt gives back what
// was saved (progress, weights, optimiser, sums), a resume that would change
// what is learnt is refused by key, an unreadable state.pt is named, only the
// writer writes, and the run folder's files say what the run did.
#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "model/registry.h"
#include "support/test_support.h"
#include "train/optimizer.h"
#include "train/run_folder.h"

namespace genre::train {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Model {
  model::NetPtr net;
  std::unique_ptr<FlatParameters> params;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  explicit Model(const TrainConfig& c, int seed) {
    torch::manual_seed(seed);
    net = model::build_model(c.model, {6}, 3);
    params = std::make_unique<FlatParameters>(*net);
    optimizer = make_optimizer(c.optim, *params);
  }
  void one_step() {
    params->zero_grad();
    torch::nll_loss(torch::log_softmax(net->forward(torch::ones({2, 6})), 1), torch::tensor({0, 2}, torch::kLong))
        .backward();
    optimizer->step();
  }
};

TrainConfig mlp() {
  TrainConfig c;
  c.model.name = "mlp";
  c.model.hidden = {8};
  return c;
}

TrainState some_state() {
  TrainState s;
  s.epoch = 2;
  s.step = 3;
  s.best = {1, 0.75, 1};
  s.finished = true;
  s.finished_as = Outcome::EarlyStopped;
  s.epoch_seconds = 1.5;
  s.history = {json{{"epoch", 1}}, json{{"epoch", 2}}};
  return s;
}

TEST(RunFolder, StatePtGivesBackWhatWasSaved) {
  test::TempDir dir;
  const RunFolder folder(dir.path(), true);
  const TrainConfig c = mlp();
  Model saved(c, 1);
  saved.one_step();  // so that Adam has moments to save
  const torch::Tensor sums = torch::arange(5, torch::kDouble);
  EXPECT_FALSE(folder.has_state());
  folder.save_state(some_state(), *saved.net, *saved.optimizer, sums, c);
  ASSERT_TRUE(folder.has_state());

  Resumed r = folder.read_state(c, torch::kCPU, 0, 1);
  const TrainState& s = r.state;
  EXPECT_EQ(s.epoch, 2);
  EXPECT_EQ(s.step, 3);
  EXPECT_EQ(s.best.epoch, 1);
  EXPECT_DOUBLE_EQ(s.best.value, 0.75);
  EXPECT_EQ(s.best.bad_epochs, 1);
  EXPECT_TRUE(s.finished);
  EXPECT_EQ(s.finished_as, Outcome::EarlyStopped);
  EXPECT_DOUBLE_EQ(s.epoch_seconds, 1.5);
  EXPECT_EQ(s.history, some_state().history);
  EXPECT_TRUE(torch::equal(r.sums, sums));

  // Weights and optimiser: a fresh model loaded from the state takes the same next step.
  Model loaded(c, 2);
  loaded.net->load(r.model);
  loaded.params = std::make_unique<FlatParameters>(*loaded.net);
  loaded.optimizer = make_optimizer(c.optim, *loaded.params);
  loaded.optimizer->load(r.optimizer);
  EXPECT_TRUE(torch::equal(loaded.params->values(), saved.params->values()));
  saved.one_step();
  loaded.one_step();
  EXPECT_TRUE(torch::equal(loaded.params->values(), saved.params->values()));
}

TEST(RunFolder, AResumeThatChangesWhatIsLearntIsRefusedByKey) {
  test::TempDir dir;
  const RunFolder folder(dir.path(), true);
  const TrainConfig c = mlp();
  Model m(c, 1);
  folder.save_state(some_state(), *m.net, *m.optimizer, torch::zeros({1}, torch::kDouble), c);
  TrainConfig longer = c;
  longer.train.epochs = 500;  // how long it runs may change
  EXPECT_NO_THROW(folder.read_state(longer, torch::kCPU, 0, 1));
  TrainConfig changed = c;
  changed.data.batch_size = 64;
  const std::string error = test::error_of([&] { folder.read_state(changed, torch::kCPU, 0, 1); });
  EXPECT_NE(error.find("data.batch_size is 64, the interrupted run used 32"), std::string::npos) << error;
  EXPECT_THROW(folder.read_state(changed, torch::kCPU, 0, 1), UsageError);
}

TEST(RunFolder, AnUnreadableStateIsNamedWithTheRank) {
  test::TempDir dir;
  std::ofstream(dir.path() / "state.pt") << "not an archive";
  const RunFolder folder(dir.path(), false);
  const std::string error = test::error_of([&] { folder.read_state(mlp(), torch::kCPU, 1, 2); });
  EXPECT_NE(error.find("cannot resume from " + (dir.path() / "state.pt").string() + " on rank 1"), std::string::npos)
      << error;
  EXPECT_NE(error.find("a filesystem every rank sees"), std::string::npos) << error;
}

TEST(RunFolder, OnlyTheWriterWrites) {
  test::TempDir dir;
  const TrainConfig c = mlp();
  Model m(c, 1);
  ModelCard card{c, InputKind::Table, {6}, {"a", "b", "c"}, {}, {}, json::object()};
  const RunFolder reader(dir.path() / "run", false);
  reader.start(c, card);
  reader.save_state(some_state(), *m.net, *m.optimizer, torch::zeros({1}, torch::kDouble), c);
  reader.save_best(*m.net);
  EXPECT_FALSE(fs::exists(dir.path() / "run"));
  const RunFolder nowhere({}, true);
  EXPECT_FALSE(nowhere.writes());
  EXPECT_FALSE(nowhere.has_state());
}

TEST(RunFolder, TheFilesSayWhatTheRunDid) {
  test::TempDir dir;
  const fs::path out = dir.path() / "run";
  const RunFolder folder(out, true);
  const TrainConfig c = mlp();
  ModelCard card{c, InputKind::Table, {6}, {"a", "b", "c"}, {}, {}, json::object()};
  folder.start(c, card);
  for (const char* f : {"config.yaml", "model.json", "metrics.jsonl"}) EXPECT_TRUE(fs::exists(out / f)) << f;
  EXPECT_EQ(test::read_file(out / "metrics.jsonl"), "");
  folder.append_metrics(json{{"epoch", 1}});
  folder.append_metrics(json{{"epoch", 2}});
  folder.rewrite_metrics({json{{"epoch", 1}}});  // a resume drops the line of the epoch it redoes
  EXPECT_EQ(test::read_file(out / "metrics.jsonl"), "{\"epoch\":1}\n");

  Model m(c, 1);
  folder.save_best(*m.net);
  Model other(c, 2);
  folder.load_best(*other.net);
  EXPECT_TRUE(torch::equal(other.net->parameters()[0], m.net->parameters()[0]));

  DataInfo data;
  data.classes = {"a", "b", "c"};
  data.val.samples = 4;
  data.test.samples = 4;
  TrainResult r;
  r.outcome = Outcome::EarlyStopped;
  r.epochs_run = 3;
  r.best_epoch = 2;
  r.best_value = 0.5;
  r.has_test = true;
  r.test.confusion = r.test.track_confusion = {2, 0, 0, 0, 1, 0, 0, 0, 1};
  r.best_val.confusion = r.best_val.track_confusion = std::vector<std::int64_t>(9, 0);
  folder.finish(card, r, c, data, 2);
  std::ifstream final_in(out / "final.json");
  const json final_json = json::parse(final_in);
  EXPECT_EQ(final_json["outcome"], "early_stopped");
  EXPECT_EQ(final_json["best_epoch"], 2);
  EXPECT_EQ(final_json["ranks"], 2);
  EXPECT_TRUE(final_json.contains("val"));
  EXPECT_EQ(test::read_file(out / "confusion.csv"), "true\\predicted,a,b,c\na,2,0,0\nb,0,1,0\nc,0,0,1\n");
  EXPECT_EQ(read_model_card(out / "model.json").training["best_epoch"], 2);
}

}  // namespace
}  // namespace genre::train
