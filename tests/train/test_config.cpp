// The training config: defaults, YAML sections and dotted keys, --set
// overrides, validation errors that name the key, and round trips.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "dist/peer_wait.h"
#include "support/test_support.h"
#include "train/config.h"

namespace genre::train {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return describe(e);
  }
  return "no error";
}

TEST(Config, DefaultsAreValidAndTheSeedsCnn) {
  const TrainConfig c;
  EXPECT_NO_THROW(validate(c));
  EXPECT_EQ(c.model.name, "cnn");
  EXPECT_EQ(c.data.batch_size, 32);
  EXPECT_EQ(c.optim.name, "adam");
  EXPECT_EQ(c.train.epochs, 50);
}

TEST(Config, EveryFieldIsDocumentedWithItsDefault) {
  ASSERT_GT(config_fields().size(), 30u);
  for (const auto& f : config_fields()) {
    EXPECT_FALSE(f.doc.empty()) << f.key;
    EXPECT_FALSE(f.default_value.empty()) << f.key;
  }
}

// The one default of the peer timeout: the sweep's group waits as long when a
// config has no value (search/mpi_sweep.cpp).
TEST(Config, PeerTimeoutIsSetInSecondsZeroWaitingForEver) {
  TrainConfig c;
  EXPECT_EQ(c.train.peer_timeout_s, dist::kDefaultPeerTimeoutSeconds);
  apply_override(c, "train.peer_timeout_s=5");
  EXPECT_DOUBLE_EQ(c.train.peer_timeout_s, 5);
  apply_override(c, "train.peer_timeout_s=0");
  EXPECT_NO_THROW(validate(c));
  apply_override(c, "train.peer_timeout_s=-1");
  EXPECT_NE(error_of([&] { validate(c); }).find("train.peer_timeout_s"), std::string::npos);
}

TEST(Config, ReadsSectionsFromYaml) {
  test::TempDir dir;
  test::write_file(dir / "x.yaml",
                   "description: seed resnet\n"
                   "model: {name: resnet, stages: [16, 32], dropout: 0.25}\n"
                   "optim:\n  name: sgd\n  lr: 1.0e-2\n  momentum: 0.8\n"
                   "schedule: {name: hold_then_decay, hold_epochs: 5}\n"
                   "train.epochs: 7\n");
  const TrainConfig c = load_config(dir / "x.yaml", {"optim.lr=0.05", "model.hidden=[8, 4]", "train.seed=7"});
  EXPECT_EQ(c.description, "seed resnet");
  EXPECT_EQ(c.model.name, "resnet");
  EXPECT_EQ(c.model.stages, (std::vector<int>{16, 32}));
  ASSERT_TRUE(c.model.dropout.has_value());
  EXPECT_DOUBLE_EQ(*c.model.dropout, 0.25);
  EXPECT_EQ(c.optim.name, "sgd");
  EXPECT_DOUBLE_EQ(c.optim.lr, 0.05);  // --set wins over the file
  EXPECT_DOUBLE_EQ(c.optim.momentum, 0.8);
  EXPECT_EQ(c.schedule.hold_epochs, 5);
  EXPECT_EQ(c.train.epochs, 7);
  EXPECT_EQ(c.train.seed, 7u);
  EXPECT_EQ(c.model.hidden, (std::vector<int>{8, 4}));
}

TEST(Config, ErrorsNameTheKey) {
  TrainConfig c;
  EXPECT_NE(error_of([&] { apply_override(c, "optim.lrr=1"); }).find("optim.lrr"), std::string::npos);
  EXPECT_NE(error_of([&] { apply_override(c, "optim.lrr=1"); }).find("known in optim: name, lr,"), std::string::npos);
  EXPECT_NE(error_of([&] { apply_override(c, "optim.lr=fast"); }).find("optim.lr: expected a number"), std::string::npos);
  EXPECT_NE(error_of([&] { apply_override(c, "data.batch_size=2.5"); }).find("data.batch_size"), std::string::npos);
  EXPECT_NE(error_of([&] { apply_override(c, "train.seed=-1"); }).find("train.seed"), std::string::npos);
  EXPECT_NE(error_of([&] { apply_override(c, "nonsense"); }).find("key=value"), std::string::npos);

  TrainConfig bad;
  bad.optim.lr = 20;
  EXPECT_NE(error_of([&] { validate(bad); }).find("optim.lr: 20 is out of range"), std::string::npos);
  bad = TrainConfig{};
  bad.model.name = "transformer";
  EXPECT_NE(error_of([&] { validate(bad); }).find("model.name: 'transformer' is not one of mlp | cnn | resnet | spectrogram_cnn | mobilenet_v2"),
            std::string::npos);
  bad = TrainConfig{};
  bad.model.kernels = {3, 3};
  EXPECT_NE(error_of([&] { validate(bad); }).find("model.kernels: has 2 entries"), std::string::npos);
  bad = TrainConfig{};
  bad.model.hidden = {};
  EXPECT_NE(error_of([&] { validate(bad); }).find("model.hidden: needs at least one entry"), std::string::npos);
  bad = TrainConfig{};
  bad.data.input = "table";
  EXPECT_NE(error_of([&] { validate(bad); }).find("data.input"), std::string::npos);

  test::TempDir dir;
  test::write_file(dir / "bad.yaml", "model:\n  name: mlp\n  widths: [1]\n");
  const std::string e = error_of([&] { load_config(dir / "bad.yaml", {}); });
  EXPECT_NE(e.find("bad.yaml"), std::string::npos) << e;
  EXPECT_NE(e.find("model.widths"), std::string::npos) << e;
  test::write_file(dir / "bad2.yaml", "optim: 3\n");
  EXPECT_NE(error_of([&] { load_config(dir / "bad2.yaml", {}); }).find("optim: is a section"), std::string::npos);
  test::write_file(dir / "bad3.yaml", "model: [1, 2\n");
  EXPECT_NE(error_of([&] { load_config(dir / "bad3.yaml", {}); }).find("bad3.yaml: line 2: YAML syntax error"),
            std::string::npos);
}

// #13.8: a key given twice was merged silently (the last one won).
TEST(Config, AKeyGivenTwiceIsRefusedNamingBothLines) {
  test::TempDir dir;
  test::write_file(dir / "twice.yaml", "optim:\n  lr: 0.1\n  name: sgd\n  lr: 0.2\n");
  EXPECT_EQ(error_of([&] { load_config(dir / "twice.yaml", {}); }),
            (dir / "twice.yaml").string() + ": line 4: optim.lr: is given twice (first at line 2; a key may appear once in a mapping)");
  test::write_file(dir / "both.yaml", "train.epochs: 5\ntrain:\n  seed: 1\n  epochs: 7\n");
  EXPECT_EQ(error_of([&] { load_config(dir / "both.yaml", {}); }),
            (dir / "both.yaml").string() + ": line 4: train.epochs: is given twice (first at line 1, once dotted, once nested)");
  test::write_file(dir / "alias.yaml", "model: &m {name: mlp}\n");
  EXPECT_NE(error_of([&] { load_config(dir / "alias.yaml", {}); }).find("alias.yaml: line 1: model: uses an anchor"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_config({}, {"model.hidden=&h [1]"}); }).find("--set model.hidden: cannot read the value"),
            std::string::npos);
}

TEST(Config, NullRestoresTheModelsDefault) {
  TrainConfig c;
  apply_override(c, "model.dropout=0.1");
  ASSERT_TRUE(c.model.dropout.has_value());
  apply_override(c, "model.dropout=null");
  EXPECT_FALSE(c.model.dropout.has_value());
}

TEST(Config, RoundTripsThroughYamlAndJson) {
  TrainConfig c;
  c.model.name = "resnet";
  c.model.dense_l2 = 1e-3;
  c.optim.lr = 1e-4;
  c.train.seed = 1234567890123ULL;
  c.schedule.name = "cosine";
  c.description = "1e5";  // text that reads as a number unquoted: the emitter quotes it
  const TrainConfig from_json = config_from_json(to_json(c), "test");
  EXPECT_EQ(to_json(from_json), to_json(c));
  TrainConfig from_yaml;
  apply_yaml(from_yaml, YAML::Load(to_yaml(c)), "yaml");
  EXPECT_EQ(to_json(from_yaml), to_json(c));
  EXPECT_LT(to_yaml(c).find("model:"), to_yaml(c).find("optim:")) << "sections in their declared order";
  EXPECT_EQ(get_value(c, "optim.lr").get<double>(), 1e-4);
}

TEST(Config, SeedJobFilesAreValid) {
  for (const char* name : {"seed-mlp.yaml", "seed-cnn.yaml", "seed-resnet.yaml"}) {
    const auto file = (genre::test::source_dir() / "jobs") / name;
    SCOPED_TRACE(file.string());
    const TrainConfig c = load_config(file, {});
    EXPECT_EQ(c.data.batch_size, 32);
  }
  const TrainConfig resnet = load_config((genre::test::source_dir() / "jobs") / "seed-resnet.yaml", {});
  EXPECT_EQ(resnet.model.name, "resnet");
  EXPECT_EQ(resnet.train.epochs, 60);
  EXPECT_EQ(resnet.schedule.name, "hold_then_decay");
  EXPECT_EQ(load_config((genre::test::source_dir() / "jobs") / "seed-cnn.yaml", {}).optim.lr, 1e-4);
}

}  // namespace
}  // namespace genre::train
