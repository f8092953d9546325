// Weights are checked against the model model.json describes before they are
// loaded (#13.4): LibTorch's archive would resize the output layer instead.
#include <gtest/gtest.h>

#include "model/registry.h"
#include "support/test_support.h"
#include "train/model_file.h"

namespace genre::train {
namespace {

model::ModelConfig mlp(std::vector<int> hidden) {
  model::ModelConfig c;
  c.name = "mlp";
  c.hidden = std::move(hidden);
  return c;
}

TEST(ModelFile, AnotherClassCountIsNamedBeforeAnythingLoads) {
  test::TempDir d;
  const auto file = d / "checkpoint.pt";
  save_weights(*model::build_model(mlp({8}), {6}, 3), file);
  const model::NetPtr fewer = model::build_model(mlp({8}), {6}, 2);
  const std::string e = test::error_of([&] { load_weights(*fewer, file); });
  EXPECT_EQ(e, "model.json names 2 classes but " + file.string() +
                   " has 3 outputs (layer 'out'): the class list does not belong to these weights");
  // Nothing was copied: the head keeps its shape.
  EXPECT_EQ(fewer->named_parameters()["out.weight"].size(0), 2);
  const model::NetPtr more = model::build_model(mlp({8}), {6}, 4);
  EXPECT_NE(test::error_of([&] { load_weights(*more, file); }).find("names 4 classes but"), std::string::npos);
  EXPECT_EQ(test::error_of([&] { load_weights(*model::build_model(mlp({8}), {6}, 3), file); }), "(no error)");
}

TEST(ModelFile, AnotherArchitectureNamesTheTensor) {
  test::TempDir d;
  const auto file = d / "checkpoint.pt";
  save_weights(*model::build_model(mlp({8}), {6}, 3), file);
  const std::string wider = test::error_of([&] { load_weights(*model::build_model(mlp({16}), {6}, 3), file); });
  EXPECT_EQ(wider, file.string() + ": fc1.weight is 8x6, model.json's model has 16x6 (weights of another architecture or input shape)");
  const std::string deeper = test::error_of([&] { load_weights(*model::build_model(mlp({8, 4}), {6}, 3), file); });
  EXPECT_NE(deeper.find("has no tensor 'fc2.weight'"), std::string::npos) << deeper;
}

}  // namespace
}  // namespace genre::train
