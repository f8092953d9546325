// scripts/convert_torchvision_mobilenet.py end to end, without torchvision and
// without a download: make_torchvision_mobilenet.py writes a state dict with
// torchvision's mobilenet_v2 names (from bench/pytorch_reference.py's plain
// torch.nn copy, random weights and statistics) and that model's pooled
// backbone output on an input; the script converts the state dict; our
// mobilenet_v2 loads it with load_matching and must compute the same features.
// Needs Python with PyTorch (GENRE_TORCH_PYTHON, Debian's python3-torch).
#include <gtest/gtest.h>

#include <cstdlib>

#include "model/load_matching.h"
#include "model/mobilenet_v2.h"
#include "support/test_support.h"

namespace genre::model {
namespace {

// Runs a command, its output into `log`; returns its exit status.
int run(const std::string& command, const std::filesystem::path& log) {
  const int status = std::system((command + " >" + log.string() + " 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string python(const std::string& script) {
  return std::string(GENRE_TORCH_PYTHON) + " " + genre::test::source_dir().string() + "/" + script;
}

class TorchvisionWeights : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto log = dir / "make.log";
    ASSERT_EQ(run(python("tests/model/make_torchvision_mobilenet.py") + " " + genre::test::source_dir().string() + " " + dir.path().string(), log), 0)
        << test::read_file(log);
  }
  test::TempDir dir;
};

TEST_F(TorchvisionWeights, ConvertedMobileNetComputesPyTorchsFeatures) {
  const auto log = dir / "convert.log";
  ASSERT_EQ(run(python("scripts/convert_torchvision_mobilenet.py") + " " + (dir / "mobilenet_v2.pth").string() + " " +
                    (dir / "weights.pt").string(),
                log),
            0)
      << test::read_file(log);
  EXPECT_NE(test::read_file(log).find("left out the ImageNet classifier (2 tensors)"), std::string::npos);

  ModelConfig config;
  config.name = "mobilenet_v2";
  MobileNetV2 net(config, 3, 10);
  const LoadReport report = load_matching(net, dir / "weights.pt");
  EXPECT_EQ(report.loaded.size(), 312u) << report.summary();
  EXPECT_EQ(report.missing, (std::vector<std::string>{"out.weight", "out.bias"}));
  EXPECT_TRUE(report.unused.empty()) << report.summary();

  torch::serialize::InputArchive reference;
  reference.load_from((dir / "reference.pt").string());
  c10::IValue input_value, expected_value;
  reference.read("input", input_value);
  reference.read("features", expected_value);
  const torch::Tensor input = input_value.toTensor(), expected = expected_value.toTensor();
  net.eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor features = net.features(input);
  ASSERT_EQ(features.sizes(), expected.sizes());
  // Same function, different kernels (channels-last here): float32 rounding only.
  EXPECT_TRUE(torch::allclose(features, expected, 1e-4, 1e-5))
      << "largest difference " << (features - expected).abs().max().item<float>() << " of values up to "
      << expected.abs().max().item<float>();
  EXPECT_GT(expected.std().item<float>(), 1e-3);  // not a degenerate, constant output
}

TEST_F(TorchvisionWeights, TheConverterRefusesOtherStateDicts) {
  const auto log = dir / "convert.log";
  EXPECT_EQ(run(python("scripts/convert_torchvision_mobilenet.py") + " " + (dir / "not_mobilenet.pth").string() + " " +
                    (dir / "weights.pt").string(),
                log),
            1);
  EXPECT_NE(test::read_file(log).find("not torchvision's mobilenet_v2"), std::string::npos) << test::read_file(log);
  EXPECT_FALSE(std::filesystem::exists(dir / "weights.pt"));
}

}  // namespace
}  // namespace genre::model
