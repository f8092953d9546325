// Transfer-learning primitives at the model level: load_matching (same
// architecture: identical outputs; another: an error naming the layer) and
// freeze (frozen parameters and batch-norm statistics bit-for-bit unchanged
// by a plain LibTorch optimiser in train mode, while the head learns).
#include <gtest/gtest.h>

#include <map>

#include "common/error.h"
#include "model/freeze.h"
#include "model/load_matching.h"
#include "model/registry.h"
#include "support/test_support.h"

namespace genre::model {
namespace {

using Snapshot = std::map<std::string, torch::Tensor>;

ModelConfig named(const std::string& name) {
  ModelConfig c;
  c.name = name;
  return c;
}

// Every parameter and buffer, cloned.
Snapshot snapshot(Net& net) {
  Snapshot s;
  for (const auto& p : net.named_parameters()) s[p.key()] = p.value().detach().clone();
  for (const auto& b : net.named_buffers()) s[b.key()] = b.value().detach().clone();
  return s;
}

bool under(const std::string& name, const std::string& prefix) { return name.rfind(prefix + ".", 0) == 0; }

// As train::save_weights writes a checkpoint (without its durable write).
void save(Net& net, const std::filesystem::path& file) {
  torch::serialize::OutputArchive archive;
  net.save(archive);
  archive.save_to(file.string());
}

// A few Adam steps in train mode on random images with random labels.
void train_steps(Net& net, std::vector<std::int64_t> batch_shape, int steps) {
  net.train();
  torch::optim::Adam adam(net.parameters(), torch::optim::AdamOptions(1e-2));
  for (int i = 0; i < steps; ++i) {
    adam.zero_grad();
    const auto loss = torch::nll_loss(torch::log_softmax(net.forward(torch::randn(batch_shape) * 3 + 1), 1),
                                      torch::randint(0, 3, {batch_shape[0]}, torch::kLong));
    loss.backward();
    adam.step();
  }
}

TEST(LoadMatching, TheSameArchitectureGivesTheSameOutputs) {
  test::TempDir dir;
  for (const char* name : {"mobilenet_v2", "cnn"}) {
    const std::vector<std::int64_t> shape =
        std::string(name) == "cnn" ? std::vector<std::int64_t>{130, 13} : std::vector<std::int64_t>{3, 32, 32};
    std::vector<std::int64_t> batch{4};
    batch.insert(batch.end(), shape.begin(), shape.end());
    torch::manual_seed(1);
    auto saved = build_model(named(name), shape, 3);
    train_steps(*saved, batch, 2);  // moves weights and batch-norm statistics off their initial values
    save(*saved, dir / "a.pt");

    torch::manual_seed(2);
    auto loaded = build_model(named(name), shape, 3);
    const LoadReport report = load_matching(*loaded, dir / "a.pt");
    EXPECT_TRUE(report.missing.empty()) << report.summary();
    EXPECT_TRUE(report.unused.empty()) << report.summary();
    EXPECT_EQ(report.loaded.size(), snapshot(*saved).size());

    saved->eval();
    loaded->eval();
    torch::NoGradGuard no_grad;
    const auto x = torch::randn(batch);
    EXPECT_TRUE(torch::equal(saved->forward(x), loaded->forward(x))) << name;
  }
}

TEST(LoadMatching, AnotherArchitectureFailsNamingTheFirstLayerThatDiffers) {
  test::TempDir dir;
  save(*build_model(named("cnn"), {130, 13}, 10), dir / "cnn.pt");
  // The ResNet has no conv1/bn1 and keeps stem/stage* initial; its dense layer
  // reads 2176 inputs where the CNN's reads 480.
  auto resnet = build_model(named("resnet"), {130, 13}, 10);
  const Snapshot before = snapshot(*resnet);
  const std::string error = test::error_of([&] { load_matching(*resnet, dir / "cnn.pt"); });
  EXPECT_NE(error.find("layer 'dense'"), std::string::npos) << error;
  EXPECT_NE(error.find("64x480 there, 64x2176 here"), std::string::npos) << error;
  EXPECT_NE(error.find((dir / "cnn.pt").string()), std::string::npos) << error;
  for (const auto& [name, t] : snapshot(*resnet)) EXPECT_TRUE(torch::equal(t, before.at(name))) << name;

  // Same architecture, another class count: the output layer.
  save(*build_model(named("mobilenet_v2"), {3, 32, 32}, 10), dir / "ten.pt");
  auto three = build_model(named("mobilenet_v2"), {3, 32, 32}, 3);
  EXPECT_NE(test::error_of([&] { load_matching(*three, dir / "ten.pt"); }).find("layer 'out'"), std::string::npos);
  // Another channel count: the very first layer.
  auto one_channel = build_model(named("mobilenet_v2"), {32, 32}, 10);
  EXPECT_NE(test::error_of([&] { load_matching(*one_channel, dir / "ten.pt"); }).find("layer 'features.0.0'"),
            std::string::npos);
}

TEST(LoadMatching, ReportsWhatItLoadedAndWhatNot) {
  test::TempDir dir;
  // A backbone with another head: the CNN's conv blocks fit, its dense layer
  // (another width) is left out of the file here so that the rest loads.
  ModelConfig wide = named("cnn");
  wide.dense = 32;
  auto source = build_model(wide, {130, 13}, 10);
  torch::serialize::OutputArchive archive;
  for (const auto& child : source->named_children()) {
    if (child.key() == "dense" || child.key() == "out") continue;
    torch::serialize::OutputArchive layer;
    child.value()->save(layer);
    archive.write(child.key(), layer);
  }
  torch::serialize::OutputArchive extra;
  extra.write("weight", torch::ones({2, 2}));
  archive.write("projection", extra);
  archive.save_to((dir / "backbone.pt").string());

  auto net = build_model(named("cnn"), {130, 13}, 10);
  const Snapshot before = snapshot(*net);
  const LoadReport r = load_matching(*net, dir / "backbone.pt");
  EXPECT_EQ(r.loaded.size(), 3u * 2 + 3u * 5);  // conv weight, bias; bn weight, bias, mean, var, count
  EXPECT_EQ(r.missing, (std::vector<std::string>{"dense.weight", "dense.bias", "out.weight", "out.bias"}));
  EXPECT_EQ(r.unused, (std::vector<std::string>{"projection.weight"}));
  const std::string line = r.summary();
  EXPECT_NE(line.find("initial: dense, out"), std::string::npos) << line;
  EXPECT_NE(line.find("not in this model: projection"), std::string::npos) << line;
  const Snapshot after = snapshot(*net), loaded = snapshot(*source);
  EXPECT_TRUE(torch::equal(after.at("conv2.weight"), loaded.at("conv2.weight")));
  EXPECT_TRUE(torch::equal(after.at("bn3.running_var"), loaded.at("bn3.running_var")));
  EXPECT_TRUE(torch::equal(after.at("dense.weight"), before.at("dense.weight")));
}

TEST(LoadMatching, FilesWithNothingToLoadAreErrors) {
  test::TempDir dir;
  torch::serialize::OutputArchive archive;
  archive.write("something", torch::zeros({3}));
  archive.save_to((dir / "other.pt").string());
  auto net = build_model(named("mlp"), {57}, 10);
  EXPECT_NE(test::error_of([&] { load_matching(*net, dir / "other.pt"); }).find("none of its 1 tensors"),
            std::string::npos);
  test::write_file(dir / "text.pt", "not an archive");
  const std::string error = test::error_of([&] { load_matching(*net, dir / "text.pt"); });
  EXPECT_NE(error.find("cannot read weights from " + (dir / "text.pt").string()), std::string::npos) << error;
  EXPECT_NE(test::error_of([&] { load_matching(*net, dir / "missing.pt"); }).find("missing.pt"), std::string::npos);
}

TEST(Freeze, AFrozenBackboneStaysBitForBitWhileTheHeadLearns) {
  torch::manual_seed(3);
  auto net = build_model(named("mobilenet_v2"), {3, 32, 32}, 3);
  net->train();
  const FreezeResult r = freeze(*net, {"backbone"});
  EXPECT_EQ(r.prefixes, (std::vector<std::string>{"features"}));
  const Snapshot before = snapshot(*net);
  train_steps(*net, {8, 3, 32, 32}, 3);  // calls net.train() first, as the trainer does every epoch
  EXPECT_TRUE(net->is_training());
  int frozen = 0, changed = 0;
  for (const auto& [name, t] : snapshot(*net)) {
    if (under(name, "features")) {
      EXPECT_TRUE(torch::equal(t, before.at(name))) << name;  // weights, running statistics, counters
      ++frozen;
    } else {
      EXPECT_FALSE(torch::equal(t, before.at(name))) << name;
      ++changed;
    }
  }
  EXPECT_EQ(frozen, 312);
  EXPECT_EQ(changed, 2);
}

TEST(Freeze, PrefixesFreezeTheirLayersAndNothingElse) {
  torch::manual_seed(4);
  auto net = build_model(named("mobilenet_v2"), {3, 32, 32}, 3);
  // features.1 must not catch features.10 .. features.18.
  const FreezeResult r = freeze(*net, {"features.0", "features.1"});
  EXPECT_EQ(r.batch_norms, 3);
  const Snapshot before = snapshot(*net);
  train_steps(*net, {8, 3, 32, 32}, 3);
  const Snapshot after = snapshot(*net);
  for (const char* name : {"features.0.0.weight", "features.0.1.running_mean", "features.1.conv.2.running_var",
                           "features.1.conv.1.weight"})
    EXPECT_TRUE(torch::equal(after.at(name), before.at(name))) << name;
  // The layers after them train, and their batch norm follows the batches.
  for (const char* name : {"features.2.conv.0.0.weight", "features.2.conv.0.1.running_mean",
                           "features.10.conv.1.0.weight", "features.18.1.running_var", "out.weight"})
    EXPECT_FALSE(torch::equal(after.at(name), before.at(name))) << name;
}

TEST(Freeze, NoneAndRefreezingUndoEarlierFreezing) {
  auto net = build_model(named("resnet"), {130, 13}, 10);
  const std::int64_t all = count_trainable(*net);
  freeze(*net, {"backbone"});
  EXPECT_GT(count_frozen(*net), 0);
  EXPECT_EQ(freeze(*net, {"none"}).parameters, 0);
  EXPECT_EQ(count_trainable(*net), all);
  EXPECT_EQ(count_frozen(*net), 0);
  // Batch norm follows the net's mode again.
  net->train();
  for (const auto& m : net->modules()) EXPECT_TRUE(m->is_training());
  // A second call replaces the first.
  freeze(*net, {"stem"});
  const FreezeResult r = freeze(*net, {"dense"});
  EXPECT_EQ(count_frozen(*net), r.parameters);
  EXPECT_EQ(r.parameters, 2176 * 64 + 64);
  EXPECT_EQ(r.batch_norms, 0);
}

TEST(Freeze, BadSpecsAreUsageErrorsNamingTheKey) {
  auto net = build_model(named("cnn"), {130, 13}, 10);
  const std::string unknown = test::error_of([&] { freeze(*net, {"conv9"}); });
  EXPECT_NE(unknown.find("train.freeze: 'conv9'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("conv1, bn1"), std::string::npos) << unknown;  // the layers it could have meant
  EXPECT_THROW(freeze(*net, {"conv1", "none"}), UsageError);
  const std::int64_t trainable = count_trainable(*net);
  EXPECT_THROW(freeze(*net, {"backbone", "dense", "out"}), UsageError);  // nothing left to train
  EXPECT_EQ(count_trainable(*net), trainable);                          // and nothing changed
  EXPECT_THROW(freeze(*net, {"conv"}), UsageError);                     // whole names: not conv1
}

}  // namespace
}  // namespace genre::model
