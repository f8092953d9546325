// Each model's output shape and its parameter counts against the seed's
// Keras summaries (SEED-MODELS.md): trainable, and total with batch-norm
// running statistics as Keras counts them.
#include <gtest/gtest.h>

#include <limits>

#include "common/error.h"
#include "model/layers.h"
#include "model/registry.h"

namespace genre::model {
namespace {

const std::vector<std::int64_t> kSlice{130, 13};

ModelConfig named(const std::string& name) {
  ModelConfig c;
  c.name = name;
  return c;
}

TEST(Models, CnnMatchesTheSeedsParameterCounts) {
  auto net = build_model(named("cnn"), kSlice, 10);
  EXPECT_EQ(count_trainable(*net), 45322);
  EXPECT_EQ(count_keras_total(*net), 45514);
}

TEST(Models, ResNetMatchesTheSeedsParameterCounts) {
  auto net = build_model(named("resnet"), kSlice, 10);
  EXPECT_EQ(count_trainable(*net), 216778);
  EXPECT_EQ(count_keras_total(*net), 217226);
}

TEST(Models, MlpOnTheFeatureTableHasTheSeedsParameterCount) {
  // 57 table columns: 57*256+256 + 256*128+128 + 128*64+64 + 64*10+10 (no batch norm).
  auto net = build_model(named("mlp"), {57}, 10);
  EXPECT_EQ(count_trainable(*net), 14848 + 32896 + 8256 + 650);
  EXPECT_EQ(count_keras_total(*net), count_trainable(*net));
}

TEST(Models, ForwardGivesOneLogitPerClass) {
  for (const char* name : {"cnn", "resnet", "mlp"}) {
    auto net = build_model(named(name), kSlice, 7);
    net->eval();
    torch::NoGradGuard no_grad;
    const auto out = net->forward(torch::randn({5, 130, 13}));
    EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{5, 7})) << name;
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>()) << name;
  }
  auto mlp = build_model(named("mlp"), {57}, 10);
  EXPECT_EQ(mlp->forward(torch::randn({3, 57})).sizes(), (std::vector<std::int64_t>{3, 10}));
}

TEST(Models, ShapesFollowTheSeedsLayerTable) {
  // The CNN's first pool: 128x11 -> ceil(/2) = 64x6; the ResNet's 130x13 -> 65x7.
  const auto x = torch::randn({1, 32, 128, 11});
  EXPECT_EQ(max_pool_same(x, 3, 2).sizes(), (std::vector<std::int64_t>{1, 32, 64, 6}));
  EXPECT_EQ(max_pool_same(torch::randn({1, 32, 130, 13}), 2, 2).sizes(), (std::vector<std::int64_t>{1, 32, 65, 7}));
  EXPECT_EQ(max_pool_same(torch::randn({1, 32, 65, 7}), 2, 2).sizes(), (std::vector<std::int64_t>{1, 32, 33, 4}));
}

TEST(Models, SamePoolingIgnoresThePaddedCells) {
  // All-negative input: zero padding would win the max; Keras' "same" padding never does.
  const auto x = -torch::ones({1, 1, 3, 3}) - torch::arange(9, torch::kFloat).view({1, 1, 3, 3});
  const auto y = max_pool_same(x, 2, 2);
  ASSERT_EQ(y.sizes(), (std::vector<std::int64_t>{1, 1, 2, 2}));
  EXPECT_FLOAT_EQ(y[0][0][1][1].item<float>(), -9.0f);  // the lone corner cell
  EXPECT_FLOAT_EQ(y[0][0][0][0].item<float>(), -1.0f);
}

TEST(Models, SamePoolingEqualsExplicitKerasPadding) {
  // Reference: pad as Keras does (odd cell after, -inf), then pool without padding.
  for (int pool : {2, 3}) {
    for (std::int64_t h = 1; h <= 12; ++h) {
      for (std::int64_t w = 1; w <= 7; ++w) {
        const auto x = torch::randn({2, 3, h, w});
        auto pad = [&](std::int64_t in) {
          const std::int64_t out = (in + 1) / 2, total = std::max<std::int64_t>((out - 1) * 2 + pool - in, 0);
          return std::make_pair(total / 2, total - total / 2);
        };
        const auto [top, bottom] = pad(h);
        const auto [left, right] = pad(w);
        const auto expected = torch::max_pool2d(
            torch::constant_pad_nd(x, {left, right, top, bottom}, -std::numeric_limits<double>::infinity()), {pool, pool},
            {2, 2});
        EXPECT_TRUE(torch::equal(max_pool_same(x, pool, 2), expected)) << "pool " << pool << " on " << h << "x" << w;
      }
    }
  }
}

TEST(Models, DepthWidthAndDropoutAreConfigurable) {
  ModelConfig c = named("resnet");
  c.stages = {16, 32, 64};
  c.blocks_per_stage = 2;
  c.dense = 32;
  c.dropout = 0.1;
  c.batch_norm = false;
  auto net = build_model(c, kSlice, 10);
  EXPECT_EQ(net->forward(torch::randn({2, 130, 13})).sizes(), (std::vector<std::int64_t>{2, 10}));
  EXPECT_EQ(count_keras_total(*net), count_trainable(*net));  // no batch norm, no statistics

  ModelConfig m = named("mlp");
  m.hidden = {32};
  EXPECT_EQ(count_trainable(*build_model(m, {4}, 3)), 4 * 32 + 32 + 32 * 3 + 3);
}

TEST(Models, L2PenaltyIsOnTheResNetsDenseKernelOnly) {
  auto resnet = build_model(named("resnet"), kSlice, 10);
  const auto p = resnet->penalty();
  ASSERT_TRUE(p.defined());
  torch::Tensor dense_weight;
  for (const auto& kv : resnet->named_parameters())
    if (kv.key() == "dense.weight") dense_weight = kv.value();
  ASSERT_TRUE(dense_weight.defined());
  EXPECT_NEAR(p.item<double>(), 1e-3 * dense_weight.pow(2).sum().item<double>(), 1e-6);
  EXPECT_FALSE(build_model(named("cnn"), kSlice, 10)->penalty().defined());
}

TEST(Models, KerasInitialisationZeroesBiases) {
  auto net = build_model(named("cnn"), kSlice, 10);
  for (const auto& kv : net->named_parameters()) {
    if (kv.key().rfind("bn", 0) == 0) continue;
    if (kv.key().size() > 4 && kv.key().substr(kv.key().size() - 4) == "bias") {
      EXPECT_EQ(kv.value().abs().sum().item<double>(), 0.0) << kv.key();
    }
  }
}

TEST(Models, ErrorsNameTheKey) {
  try {
    build_model(named("transformer"), kSlice, 10);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("model.name"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("resnet"), std::string::npos);
  }
  EXPECT_THROW(build_model(named("cnn"), {57}, 10), UsageError);  // table rows into a conv model
  ModelConfig deep = named("cnn");
  deep.filters = {8, 8, 8, 8, 8, 8};
  deep.kernels = {3, 3, 3, 3, 3, 3};
  deep.pools = {2, 2, 2, 2, 2, 2};
  try {
    build_model(deep, kSlice, 10);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("model.kernels"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace genre::model
