// The image experiments' models: parameter counts against the seed's Keras
// summaries (SEED-MODELS.md, issue 12), shapes, torchvision's layer names,
// and what each calls its backbone.
#include <gtest/gtest.h>

#include "common/error.h"
#include "model/freeze.h"
#include "model/mobilenet_v2.h"
#include "model/registry.h"

namespace genre::model {
namespace {

const std::vector<std::int64_t> kSeedImage{3, 256, 256};

ModelConfig named(const std::string& name) {
  ModelConfig c;
  c.name = name;
  return c;
}

std::int64_t head_parameters(std::int64_t inputs, std::int64_t classes) { return inputs * classes + classes; }

TEST(ImageModels, SpectrogramCnnHasTheSeedsParameterCount) {
  auto net = build_model(named("spectrogram_cnn"), kSeedImage, 10);
  EXPECT_EQ(count_trainable(*net), 16871882);
  EXPECT_EQ(count_keras_total(*net), 16871882);  // no batch norm
  // Conv 896 + 18,496 + 73,856; Dense 128 on 32x32x128; the output layer.
  auto three = build_model(named("spectrogram_cnn"), kSeedImage, 3);
  EXPECT_EQ(count_trainable(*three), 16871882 - head_parameters(128, 10) + head_parameters(128, 3));
}

TEST(ImageModels, MobileNetBackboneHasTheSeedsParameterCounts) {
  for (int classes : {10, 3}) {
    auto net = build_model(named("mobilenet_v2"), kSeedImage, classes);
    const std::int64_t head = head_parameters(1280, classes);
    EXPECT_EQ(count_trainable(*net), 2223872 + head) << classes;
    // Keras' total for the backbone counts the 34,112 batch-norm statistics too.
    EXPECT_EQ(count_keras_total(*net), 2257984 + head) << classes;
    const FreezeResult frozen = freeze(*net, {"backbone"});
    EXPECT_EQ(frozen.parameters, 2223872);
    EXPECT_EQ(frozen.batch_norms, 52);  // stem, 17 blocks of 2 or 3, the last 1x1 conv
    EXPECT_EQ(count_frozen(*net), 2223872);
    EXPECT_EQ(count_trainable(*net), head);
  }
}

TEST(ImageModels, ForwardGivesOneLogitPerClassAtAnyImageSize) {
  torch::NoGradGuard no_grad;
  for (const char* name : {"spectrogram_cnn", "mobilenet_v2"}) {
    for (const std::vector<std::int64_t>& shape :
         {std::vector<std::int64_t>{3, 64, 64}, {3, 37, 50}, {130, 128} /* a log-mel slice, one channel */}) {
      auto net = build_model(named(name), shape, 7);
      net->eval();
      std::vector<std::int64_t> batch{4};
      batch.insert(batch.end(), shape.begin(), shape.end());
      const auto out = net->forward(torch::randn(batch));
      EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{4, 7})) << name << " " << shape.size();
      EXPECT_TRUE(torch::isfinite(out).all().item<bool>()) << name;
    }
  }
}

TEST(ImageModels, MobileNetHasTorchvisionsLayerNames) {
  // Names (and shapes) from torchvision's mobilenet_v2 state dict.
  auto net = build_model(named("mobilenet_v2"), kSeedImage, 10);
  std::map<std::string, std::vector<std::int64_t>> expected{
      {"features.0.0.weight", {32, 3, 3, 3}},          {"features.0.1.running_var", {32}},
      {"features.1.conv.0.0.weight", {32, 1, 3, 3}},   {"features.1.conv.1.weight", {16, 32, 1, 1}},
      {"features.1.conv.2.bias", {16}},                {"features.2.conv.0.0.weight", {96, 16, 1, 1}},
      {"features.2.conv.1.0.weight", {96, 1, 3, 3}},   {"features.2.conv.2.weight", {24, 96, 1, 1}},
      {"features.17.conv.3.running_mean", {320}},      {"features.18.0.weight", {1280, 320, 1, 1}},
      {"features.18.1.num_batches_tracked", {}},       {"out.weight", {10, 1280}}};
  std::map<std::string, std::vector<std::int64_t>> found;
  for (const auto& p : net->named_parameters()) found[p.key()] = p.value().sizes().vec();
  for (const auto& b : net->named_buffers()) found[b.key()] = b.value().sizes().vec();
  for (const auto& [name, shape] : expected) {
    ASSERT_TRUE(found.count(name)) << name;
    EXPECT_EQ(found[name], shape) << name;
  }
  // torchvision's 312 backbone tensors (weights, biases, statistics, counters) and our head's two.
  EXPECT_EQ(found.size(), 312u + 2u);
}

TEST(ImageModels, MobileNetFeaturesArePooledBackboneOutput) {
  auto net = std::make_shared<MobileNetV2>(named("mobilenet_v2"), 3, 10);
  net->eval();
  torch::NoGradGuard no_grad;
  const auto f = net->features(torch::randn({2, 3, 64, 64}));
  EXPECT_EQ(f.sizes(), (std::vector<std::int64_t>{2, 1280}));
  EXPECT_GE(f.min().item<float>(), 0.0f);  // after ReLU6
  EXPECT_LE(f.max().item<float>(), 6.0f);
}

TEST(ImageModels, EachModelNamesItsBackbone) {
  const std::map<std::string, std::vector<std::int64_t>> shapes{
      {"mlp", {57}}, {"cnn", {130, 13}}, {"resnet", {130, 13}}, {"spectrogram_cnn", {3, 32, 32}},
      {"mobilenet_v2", {3, 32, 32}}};
  for (const auto& [name, shape] : shapes) {
    auto net = build_model(named(name), shape, 10);
    const std::int64_t all = count_trainable(*net);
    const FreezeResult r = freeze(*net, {"backbone"});
    // Only the head is left to train: the output layer, and the dense layer where there is one.
    std::int64_t head = 0;
    for (const auto& p : net->named_parameters())
      if (p.key().rfind("out.", 0) == 0 || p.key().rfind("dense.", 0) == 0) head += p.value().numel();
    EXPECT_EQ(count_trainable(*net), head) << name;
    EXPECT_EQ(r.parameters, all - head) << name;
  }
}

TEST(ImageModels, SampleShapesTheyCannotTakeAreUsageErrors) {
  for (const char* name : {"spectrogram_cnn", "mobilenet_v2"}) {
    try {
      build_model(named(name), {57}, 10);
      FAIL() << name;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("images [C, H, W]"), std::string::npos) << e.what();
    }
    EXPECT_THROW(build_model(named(name), {2, 3, 32, 32}, 10), UsageError);
  }
  EXPECT_THROW(build_model(named("cnn"), kSeedImage, 10), UsageError);  // slices only
}

}  // namespace
}  // namespace genre::model
