// Grid, random and ASHA behind the SearchAlgorithm interface.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "search/algorithm.h"
#include "search/asha.h"
#include "search/rng.h"
#include "search/spec.h"

using namespace genre::search;

namespace {

SweepSpec parse(const std::string& yaml) {
  SweepSpec s = parse_spec_text(yaml, "spec.yaml", ".");
  s.validate();
  return s;
}

std::vector<nlohmann::json> all_configs(SearchAlgorithm& a) {
  std::vector<nlohmann::json> out;
  while (auto c = a.next_config()) out.push_back(*c);
  return out;
}

}  // namespace

TEST(Rng, MatchesAnIndependentImplementation) {
  // Golden values from a Python transcription of the same definition
  // (splitmix64 seeding, mt19937_64, 53-bit doubles, rejection for integers):
  // the draws depend on no standard library's distributions.
  Rng a(7, 0);
  EXPECT_EQ(a.raw(), 14212119434865263810ULL);
  EXPECT_EQ(a.raw(), 1742318256736051912ULL);
  Rng b(7, 3);
  EXPECT_EQ(b.uniform01(), 0.7468497842534776);
  EXPECT_EQ(b.uniform_int(1, 6), 3);
  EXPECT_EQ(b.uniform_int(-5, 5), 0);
}

TEST(Rng, IntegersCoverTheRangeEvenly) {
  Rng r(1, 1);
  std::map<std::int64_t, int> counts;
  for (int i = 0; i < 60000; ++i) ++counts[r.uniform_int(-2, 3)];
  ASSERT_EQ(counts.size(), 6u);
  EXPECT_EQ(counts.begin()->first, -2);
  EXPECT_EQ(counts.rbegin()->first, 3);
  for (const auto& [v, n] : counts) EXPECT_NEAR(n, 10000, 400) << v;  // ~4 standard deviations
}

TEST(GridSearch, VisitsEveryCombinationLastParameterFastest) {
  auto spec = parse("method: grid\nparameters:\n  a: {values: [x, y]}\n  b: {distribution: int_uniform, min: 1, max: 3}\n");
  auto grid = make_algorithm(spec);
  const auto configs = all_configs(*grid);
  ASSERT_EQ(configs.size(), 6u);
  const std::vector<std::pair<std::string, int>> expected = {{"x", 1}, {"x", 2}, {"x", 3}, {"y", 1}, {"y", 2}, {"y", 3}};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(configs[i]["a"], expected[i].first);
    EXPECT_EQ(configs[i]["b"], expected[i].second);
  }
  EXPECT_FALSE(grid->should_stop(0, 1));

  spec.max_trials = 4;
  EXPECT_EQ(all_configs(*make_algorithm(spec)).size(), 4u) << "max_trials caps a grid";
}

TEST(GridSearch, QUniformGridIsTheMultiplesOfQ) {
  auto spec = parse("method: grid\nparameters:\n  wd: {distribution: q_uniform, min: 0.1, max: 0.5, q: 0.2}\n"
                    "  n: {distribution: q_uniform, min: 0, max: 64, q: 32}\n");
  const auto configs = all_configs(*make_algorithm(spec));
  ASSERT_EQ(configs.size(), 2u * 3u);
  EXPECT_NEAR(configs[0]["wd"].get<double>(), 0.2, 1e-12);
  EXPECT_NEAR(configs[3]["wd"].get<double>(), 0.4, 1e-12);
  EXPECT_TRUE(configs[1]["n"].is_number_integer()) << "an integer grid gives integers";
  EXPECT_EQ(configs[2]["n"], 64);
}

TEST(GridSearch, QUniformValuesAreTheDecimalsAUserWrites) {
  // 3 x 0.1 is 0.30000000000000004 in doubles; configs and journals say 0.3.
  auto spec = parse("method: grid\nparameters:\n  dropout: {distribution: q_uniform, min: 0.1, max: 0.5, q: 0.1}\n");
  const auto configs = all_configs(*make_algorithm(spec));
  ASSERT_EQ(configs.size(), 5u);
  EXPECT_EQ(configs[2]["dropout"].get<double>(), 0.3);
  EXPECT_EQ(configs[2]["dropout"].dump(), "0.3");
}

TEST(RandomSearch, QUniformDrawsAreTheDecimalsAUserWrites) {
  auto spec = parse("method: random\nmax_trials: 40\nseed: 7\nparameters:\n"
                    "  dropout: {distribution: q_uniform, min: 0.1, max: 0.5, q: 0.1}\n");
  for (const auto& c : all_configs(*make_algorithm(spec))) {
    const std::string text = c["dropout"].dump();
    EXPECT_LE(text.size(), 3u) << text;
  }
}

TEST(RandomSearch, SameSeedSameConfigsSameOrder) {
  const char* yaml = R"(
method: random
max_trials: 50
seed: 7
parameters:
  lr: {distribution: log_uniform_values, min: 1e-4, max: 1e-2}
  model: {values: [cnn, resnet]}
  dense: {distribution: int_uniform, min: 32, max: 128}
  dropout: {distribution: uniform, min: 0.1, max: 0.5}
  wd: {distribution: q_uniform, min: 0, max: 10, q: 2}
  bs: {value: 32}
  opt: {values: [adam, sgd], probabilities: [0.9, 0.1]}
)";
  const auto a = all_configs(*make_algorithm(parse(yaml)));
  const auto b = all_configs(*make_algorithm(parse(yaml)));
  ASSERT_EQ(a.size(), 50u);
  EXPECT_EQ(a, b);
  std::string other = yaml;
  other.replace(other.find("seed: 7"), 7, "seed: 8");
  EXPECT_NE(all_configs(*make_algorithm(parse(other))), a);

  // The first three, from the Python transcription of the same definition.
  const double lr[] = {0.003474410082832864, 0.0014843514246897357, 0.007202603914676254};
  const char* model[] = {"cnn", "cnn", "resnet"};
  const int dense[] = {72, 118, 127};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(a[i]["lr"].get<double>(), lr[i], lr[i] * 1e-12) << i;  // exp/log may differ in the last bit elsewhere
    EXPECT_EQ(a[i]["model"], model[i]) << i;
    EXPECT_EQ(a[i]["dense"], dense[i]) << i;
  }

  int adam = 0;
  std::set<std::string> models;
  for (const auto& c : a) {
    const double x = c["lr"].get<double>();
    EXPECT_GE(x, 1e-4);
    EXPECT_LT(x, 1e-2);
    EXPECT_GE(c["dense"].get<int>(), 32);
    EXPECT_LE(c["dense"].get<int>(), 128);
    EXPECT_GE(c["dropout"].get<double>(), 0.1);
    EXPECT_LT(c["dropout"].get<double>(), 0.5);
    EXPECT_TRUE(c["wd"].is_number_integer());
    EXPECT_EQ(c["wd"].get<int>() % 2, 0);
    EXPECT_EQ(c["bs"], 32);
    models.insert(c["model"].get<std::string>());
    adam += c["opt"] == "adam";
  }
  EXPECT_EQ(models.size(), 2u);
  EXPECT_GE(adam, 38) << "probabilities 0.9 / 0.1 over 50 draws";
}

TEST(Asha, RungsAtMinEpochsTimesPowersOfEta) {
  EXPECT_EQ((AshaSpec{1, 3, 27}.rungs()), (std::vector<int>{1, 3, 9}));
  EXPECT_EQ((AshaSpec{2, 2, 16}.rungs()), (std::vector<int>{2, 4, 8}));
  EXPECT_EQ((AshaSpec{5, 3, 5}.rungs()), (std::vector<int>{})) << "no rung at max_epochs itself";
}

TEST(Asha, ContinuesOnlyTheTopOneOverEtaOfThoseAtTheRung) {
  auto spec = parse("method: grid\nearly_terminate: {type: asha, min_epochs: 1, eta: 2, max_epochs: 8}\n"
                    "parameters:\n  q: {values: [1, 2, 3, 4, 5, 6]}\n");
  auto asha = make_algorithm(spec);
  ASSERT_EQ(all_configs(*asha).size(), 6u) << "ASHA proposes what its grid proposes";

  // Rung 1, in arrival order. keep = max(1, floor(n / 2)) of n recorded.
  asha->report(0, 1, 0.5);  // n=1 keep 1: best -> continue (the first at a rung always continues)
  EXPECT_FALSE(asha->should_stop(0, 1));
  asha->report(1, 1, 0.4);  // n=2 keep 1: 0.5 is better -> stop
  EXPECT_TRUE(asha->should_stop(1, 1));
  asha->report(2, 1, 0.6);  // n=3 keep 1: best -> continue
  EXPECT_FALSE(asha->should_stop(2, 1));
  asha->report(3, 1, 0.55);  // n=4 keep 2: second best -> continue
  EXPECT_FALSE(asha->should_stop(3, 1));
  asha->report(4, 1, 0.5);  // n=5 keep 2: behind 0.6, 0.55 and the earlier 0.5 -> stop
  EXPECT_TRUE(asha->should_stop(4, 1));
  asha->report(5, 1, std::nan(""));  // a NaN ranks below everything
  EXPECT_TRUE(asha->should_stop(5, 1));

  // Epochs between rungs are never judged.
  asha->report(0, 3, 0.1);
  EXPECT_FALSE(asha->should_stop(0, 3));
  // Rung 2 is judged among the trials that reached it.
  asha->report(2, 2, 0.7);
  asha->report(0, 2, 0.65);
  EXPECT_FALSE(asha->should_stop(2, 2));
  EXPECT_TRUE(asha->should_stop(0, 2));

  // A decision is kept: the same trial repeating a rung (restarted from a
  // checkpoint) gets the same answer, whatever it reports now.
  asha->report(1, 1, 0.99);
  EXPECT_TRUE(asha->should_stop(1, 1));
  asha->report(2, 1, 0.0);
  EXPECT_FALSE(asha->should_stop(2, 1));
  EXPECT_EQ(dynamic_cast<Asha&>(*asha).recorded(1).size(), 6u);
}

// Only strictly better scores count against a trial (Optuna's and Ray Tune's
// rule): with a coarse metric (a small validation split's accuracy) equal
// scores are common, and a trial as good as the one kept must not be cut for
// arriving second.
TEST(Asha, KeepsATrialThatTiesTheCutValue) {
  auto asha = std::make_unique<Asha>(make_algorithm(parse("method: grid\nparameters: {a: {values: [1]}}\n")),
                                     AshaSpec{1, 2, 8});
  asha->report(0, 1, 1.0);
  asha->report(1, 1, 1.0);  // n=2 keep 1: ties the best -> continues
  EXPECT_FALSE(asha->should_stop(1, 1)) << "a trial tied with the rung's best is never cut";
  asha->report(2, 1, 0.3);  // n=3 keep 1: two strictly better -> stop
  EXPECT_TRUE(asha->should_stop(2, 1));
  asha->report(3, 1, 0.2);  // n=4 keep 2: the cut value is 1.0 (second best)
  EXPECT_TRUE(asha->should_stop(3, 1));
  asha->report(4, 1, 0.3);  // n=5 keep 2: ties trial 2, two strictly better -> stop
  EXPECT_TRUE(asha->should_stop(4, 1));

  // Rung 2, below the best: the cut value is the second best of four.
  asha->report(0, 2, 0.9);
  asha->report(1, 2, 0.5);  // n=2 keep 1 -> stop
  EXPECT_TRUE(asha->should_stop(1, 2));
  asha->report(5, 2, 0.4);  // n=3 keep 1 -> stop
  asha->report(6, 2, 0.5);  // n=4 keep 2: ties trial 1 at the cut value, one strictly better -> continues
  EXPECT_FALSE(asha->should_stop(6, 2));
  asha->report(7, 2, 0.49);  // n=5 keep 2: three strictly better -> stop
  EXPECT_TRUE(asha->should_stop(7, 2));
}

TEST(Asha, MinimizeGoalIsJudgedOnTheNegatedValue) {
  MetricSpec m{"val_loss", Goal::kMinimize};
  auto asha = std::make_unique<Asha>(make_algorithm(parse("method: grid\nparameters: {a: {values: [1]}}\n")),
                                     AshaSpec{1, 2, 4});
  asha->report(0, 1, m.score(0.9));
  asha->report(1, 1, m.score(0.2));  // lower loss: better
  asha->report(2, 1, m.score(1.5));
  EXPECT_FALSE(asha->should_stop(1, 1));
  EXPECT_TRUE(asha->should_stop(2, 1));
}
