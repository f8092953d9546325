// Adaptive search (issue 14): TPE against Optuna's numbers and against random
// search, Hyperband's published schedule, the median rule, conditional
// parameters, the suggestion thread, and resume of adaptive sweeps.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "common/error.h"
#include "search/algorithm.h"
#include "search/hyperband.h"
#include "search/journal.h"
#include "search/leaderboard.h"
#include "search/median_stopping.h"
#include "search/objective_runner.h"
#include "search/parzen.h"
#include "search/suggester.h"
#include "search/test_functions.h"
#include "search/tpe.h"
#include "support/test_support.h"
#include "run_folder.h"
#include "sweep_driver.h"

using namespace genre;
using namespace genre::search;

namespace {

SweepSpec spec_of(const std::string& yaml) {
  SweepSpec s = parse_spec_text(yaml, "spec.yaml", ".");
  s.name = "t";
  s.validate();
  return s;
}

std::string error_of(const std::string& yaml) {
  try {
    spec_of(yaml);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TrialEvent event(TrialEvent::Kind kind, int trial, int epoch = 0, double score = 0, nlohmann::json params = {}) {
  TrialEvent e;
  e.kind = kind;
  e.trial = trial;
  e.epoch = epoch;
  e.score = score;
  e.params = std::move(params);
  return e;
}

// Runs `trials` trials one after another (one group): each proposed from
// every earlier result, its val_loss the objective's (minimised). Returns the
// best loss after each trial.
std::vector<double> sequential(const SweepSpec& spec, int trials) {
  auto a = make_algorithm(spec);
  std::vector<double> best;
  for (int t = 0; t < trials; ++t) {
    const auto params = a->propose(t)();
    if (!params) break;
    a->observe(event(TrialEvent::Kind::kStarted, t, 0, 0, *params));
    const auto config = spec.trial_config(*params);
    const int epochs = config["train"]["epochs"].get<int>();
    for (int e = 1; e <= epochs; ++e) a->observe(event(TrialEvent::Kind::kEpoch, t, e, -ObjectiveRunner::loss(config, e)));
    a->observe(event(TrialEvent::Kind::kFinished, t));
    const double loss = ObjectiveRunner::loss(config, epochs);
    best.push_back(best.empty() ? loss : std::min(best.back(), loss));
  }
  return best;
}

std::string branin_spec(const std::string& method, int seed) {
  return "method: " + method + "\nmax_trials: 30\nseed: " + std::to_string(seed) +
         "\nmetric: {name: val_loss, goal: minimize}\nbase: {train: {epochs: 1}, objective: {function: branin}}\n"
         "parameters:\n  objective.x1: {distribution: uniform, min: -5.0, max: 10.0}\n  objective.x2: {distribution: uniform, min: 0.0, max: 15.0}\n";
}

const char* const kMixed = R"(
method: tpe
max_trials: 40
seed: 4
metric: {name: val_loss, goal: minimize}
tpe: {n_startup_trials: 8, multivariate: true}
base: {train: {epochs: 2}, objective: {function: mixed}}
parameters:
  objective.kind: {values: [branin, sphere, flat]}
  objective.act: {values: [relu, tanh, sigmoid]}
  objective.x1: {distribution: uniform, min: -5.0, max: 10.0, when: {objective.kind: branin}}
  objective.x2: {distribution: uniform, min: 0.0, max: 15.0, when: {objective.kind: branin}}
  objective.z: {distribution: uniform, min: -5.0, max: 5.0, when: {objective.kind: sphere}}
  objective.n: {distribution: int_uniform, min: 1, max: 8, when: {objective.kind: [sphere]}}
)";

}  // namespace

// Golden values from Optuna 3.1's _ParzenEstimator (consider_prior, prior
// weight 1, magic clip, default weights) on the same observations.
TEST(Parzen, LogDensitiesMatchOptuna) {
  TpeOptions o;
  const auto near = [](double a, double b) { return std::fabs(a - b) < 1e-9 * (1 + std::fabs(b)); };
  ParzenDimension unit;
  unit.low = 0, unit.high = 1;
  {
    const ParzenEstimator e({unit}, {{0.2}, {0.5}, {0.55}, {0.9}}, o);
    const double want[] = {-0.9644998151859303, -0.6467393109815018, -0.7387456759468632};
    const double at[] = {0.1, 0.5, 0.77};
    for (int i = 0; i < 3; ++i) EXPECT_PRED2(near, e.log_pdf({at[i]}), want[i]) << "univariate at " << at[i];
  }
  {
    ParzenDimension lg;
    lg.low = std::log(1e-4), lg.high = std::log(1e-1);
    const ParzenEstimator e({lg}, {{std::log(1e-3)}, {std::log(3e-3)}, {std::log(2e-2)}}, o);
    EXPECT_PRED2(near, e.log_pdf({std::log(2e-4)}), -1.158689188773908);
    EXPECT_PRED2(near, e.log_pdf({std::log(5e-3)}), -0.6919386267586136);
  }
  ParzenDimension ints;
  ints.low = 1, ints.high = 10, ints.step = 1;
  {
    const ParzenEstimator e({ints}, {{3}, {4}, {8}}, o);
    const double want[] = {-2.5845750399143377, -1.9707054824198234, -2.8353675672183845};
    const double at[] = {1, 4, 10};
    for (int i = 0; i < 3; ++i) EXPECT_PRED2(near, e.log_pdf({at[i]}), want[i]) << "int at " << at[i];
  }
  {
    ParzenDimension cat;
    cat.categorical = true, cat.choices = 3;
    const ParzenEstimator e({cat}, {{0}, {2}, {2}}, o);
    const double want[] = {-1.0986122886681096, -1.6582280766035324, -0.7419373447293772};
    for (int i = 0; i < 3; ++i) EXPECT_PRED2(near, e.log_pdf({double(i)}), want[i]) << "category " << i;
  }
  {
    TpeOptions mv = o;
    mv.multivariate = true;
    const ParzenEstimator e({unit, ints}, {{0.2, 2}, {0.5, 5}, {0.9, 9}}, mv);
    EXPECT_PRED2(near, e.log_pdf({0.3, 2}), -2.8860797550972097);
    EXPECT_PRED2(near, e.log_pdf({0.8, 7}), -3.003842420903205);
  }
  {
    std::vector<std::vector<double>> obs;  // 30 observations: the weights ramp up to the last 25
    for (int i = 0; i < 30; ++i) obs.push_back({std::pow(0.01 + 0.98 * i / 29.0, 2)});
    const ParzenEstimator e({unit}, obs, o);
    EXPECT_PRED2(near, e.log_pdf({0.05}), -2.145658321102834);
    EXPECT_PRED2(near, e.log_pdf({0.6}), -2.6324013444569094);
  }
}

// One whole TPE step against Optuna 3.1 for a 30-trial Branin history that
// Optuna's own TPESampler made (seed 3; trial 7 failed, 12 and 20 pruned
// after one report): the good/bad split, and for x1 the kernels (centres,
// widths, weights) and densities of l and g. Numbers printed once by
// `/usr/bin/python3 bench/bench_tpe_golden.py` (Optuna's
// _get_observation_pairs, _split_observation_pairs and _ParzenEstimator on
// that study) and pasted in.
TEST(Parzen, SplitAndKernelsMatchOptunaOn30Trials) {
  enum S { COMPLETE, PRUNED, FAIL };
  struct Row {
    double x1, x2, value;
    S state;
  };
  const Row rows[] = {
      {3.261968538618632, 10.622217339271572, 71.68783452098575, COMPLETE},
      {-0.6364289163058352, 7.662414077964945, 18.07886746449891, COMPLETE},
      {8.39420431521482, 13.44439633400157, 141.98653529865882, COMPLETE},
      {-3.116220343042456, 3.108643172072801, 83.31045707266176, COMPLETE},
      {-4.227991950487552, 6.612147654759547, 76.5294170688398, COMPLETE},
      {-4.5518568368214956, 6.852498365920666, 90.70525796057997, COMPLETE},
      {4.73716071422141, 4.177309239719629, 18.177523228984644, COMPLETE},
      {5.143823529701969, 8.862942261245262, std::nan(""), FAIL},
      {-4.640271764342519, 8.38281131986323, 69.89920165505153, COMPLETE},
      {-1.1112132963880188, 6.226517955151045, 17.154521839891718, COMPLETE},
      {-0.7471237734302187, 10.397068774694946, 26.878263182227474, COMPLETE},
      {0.5009413275629298, 1.162226183255835, 35.01097685715105, COMPLETE},
      {-0.2446750300333208, 4.728755108855419, 22.099652912396056, PRUNED},
      {-1.4356094092355853, 7.713588922806505, 11.995536661542038, COMPLETE},
      {-2.436294436389829, 0.7849862666925258, 99.8940867276512, COMPLETE},
      {1.7362244156084348, 5.335441789182388, 11.34050053102258, COMPLETE},
      {1.751470185843849, 9.266627373573938, 40.28624829040907, COMPLETE},
      {2.079549060244646, 5.04476647602851, 8.54785680157488, COMPLETE},
      {3.556393553153036, 2.505784048383887, 1.495249014598743, COMPLETE},
      {4.004413196001845, 2.8889639389486974, 5.173466387663168, COMPLETE},
      {5.2356782887851905, 2.417224198633062, 16.259721137506133, PRUNED},
      {6.85324157611603, 0.08246032100291378, 19.24509928123945, COMPLETE},
      {2.9815364913474096, 3.031685670448409, 0.9156996792526364, COMPLETE},
      {3.797387666592797, 2.324529647842099, 2.6451456548235166, COMPLETE},
      {2.926615345148252, 1.7895723408685646, 1.0532630187378977, COMPLETE},
      {5.532185528035578, 1.6310815707401691, 17.251657650322823, COMPLETE},
      {2.752047097781279, 3.7142686539406164, 2.362437423873441, COMPLETE},
      {0.8309550742240783, 0.05563117766037928, 38.667576251470294, COMPLETE},
      {2.9102398865148515, 1.8227590317457216, 1.062775520692945, COMPLETE},
      {2.5330940041531824, 1.4779241233637317, 3.862352341813045, COMPLETE},
  };
  std::vector<Tpe::Observed> trials;
  for (const Row& r : rows) {
    Tpe::Observed t;
    t.id = static_cast<int>(trials.size());
    t.x = {r.x1, r.x2};
    t.state = r.state == COMPLETE ? Tpe::Observed::State::kFinished
              : r.state == PRUNED ? Tpe::Observed::State::kPruned
                                  : Tpe::Observed::State::kFailed;
    if (r.state != FAIL) t.epochs[1] = -r.value;  // a score: higher is better, the loss minimised
    trials.push_back(t);
  }
  TpeOptions o;
  const TpeSplit split = tpe_split(trials, o);
  // 29 results (the failed trial is none), ceil(0.1 * 29) = 3 good; the
  // pruned trials rank after every finished one.
  EXPECT_EQ(split.below, (std::vector<std::size_t>{22, 24, 28}));
  EXPECT_EQ(split.above, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13,
                                                   14, 15, 16, 17, 18, 19, 20, 21, 23, 25, 26, 27, 29}));

  ParzenDimension x1;
  x1.low = -5, x1.high = 10;
  const auto x1_of = [&](const std::vector<std::size_t>& which) {
    std::vector<std::vector<double>> out;
    for (std::size_t i : which) out.push_back({trials[i].x[0]});
    return out;
  };
  const auto same = [](const std::vector<double>& got, const std::vector<double>& want, const char* what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (std::size_t i = 0; i < want.size(); ++i)
      EXPECT_NEAR(got[i], want[i], 1e-12 * (1 + std::fabs(want[i]))) << what << " " << i;
  };
  const double at[] = {-4.0, 0.0, 3.1, 9.5};
  {
    const ParzenEstimator l({x1}, x1_of(split.below), o);
    same(l.mus(0), {2.9815364913474096, 2.926615345148252, 2.9102398865148515, 2.5}, "l mus");
    same(l.sigmas(0), {3.0, 3.0, 3.0, 15.0}, "l sigmas (magic clip: 15 / (1 + 4))");
    same(l.weights(), {0.25, 0.25, 0.25, 0.25}, "l weights");
    const double want[] = {-1.3547556809784058, -0.8107770060769177, -0.5743677448210662, -1.341905098525533};
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(l.log_pdf({at[i]}), want[i], 1e-10) << "l at " << at[i];
  }
  const ParzenEstimator g({x1}, x1_of(split.above), o);
  std::vector<double> mus;
  for (std::size_t i : split.above) mus.push_back(trials[i].x[0]);
  mus.push_back(2.5);
  same(g.mus(0), mus, "g mus");
  same(g.sigmas(0),
       {0.5357142857142857, 0.5357142857142857, 1.5409627390987897, 1.111771607445096, 1.111771607445096,
        0.5357142857142857, 0.7327475182195649, 0.5357142857142857, 0.5357142857142857, 0.5357142857142857,
        0.7456163575962506, 0.7456163575962506, 1.0006850271542436, 1.0006850271542436, 0.9052693413843564,
        0.5357142857142857, 0.5357142857142857, 0.5357142857142857, 0.7327475182195649, 0.5357142857142857,
        1.5409627390987897, 0.5357142857142857, 1.321056048080452, 0.5357142857142857, 0.9052693413843564,
        0.5357142857142857, 15.0},
       "g sigmas");
  // 26 observations: the oldest on the ramp (linspace(1/26, 1, 1) = 1/26), the last 25 and the prior at 1.
  std::vector<double> w(27, 0.03840472673559823);
  w[0] = 0.0014771048744460856;
  same(g.weights(), w, "g weights");
  const double want[] = {-2.360443230330827, -2.2974000147446714, -2.3047579864813077, -2.9272867201070345};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(g.log_pdf({at[i]}), want[i], 1e-10) << "g at " << at[i];
}

TEST(Parzen, DrawsStayOnTheGridAndInRange) {
  TpeOptions o;
  ParzenDimension q;
  q.low = 0.1, q.high = 0.5, q.step = 0.1;
  const ParzenEstimator e({q}, {{0.1}, {0.5}}, o);
  Rng rng(1, 1);
  for (const auto& x : e.sample(rng, 500)) {
    EXPECT_GE(x[0], 0.1 - 1e-12);
    EXPECT_LE(x[0], 0.5 + 1e-12);
    EXPECT_NEAR(std::round(x[0] * 10), x[0] * 10, 1e-9);
  }
}

TEST(Tpe, StartUpTrialsAreTheRandomSearchsAndTheSameSeedGivesTheSameSweep) {
  const SweepSpec tpe = spec_of(branin_spec("tpe", 3));
  const SweepSpec random = spec_of(branin_spec("random", 3));
  auto a = make_algorithm(tpe), r = make_algorithm(random);
  EXPECT_EQ(a->fixed_trials(), 10);
  for (int t = 0; t < 10; ++t) EXPECT_EQ(*a->propose(t)(), *r->propose(t)()) << "start-up trial " << t;
  EXPECT_EQ(sequential(tpe, 30), sequential(tpe, 30)) << "seeded: the same sweep twice";
}

// Over 20 seeds TPE must beat random search on Hartmann-6 after 50 trials
// (best regret) in at least 15: if TPE were no better (a coin flip per seed)
// that would happen with probability 2.1%. bench_tpe measured median regrets
// of 0.52 against 1.60 over 100 seeds (Optuna's TPE: 0.56), TPE ahead in 90
// of them; here (seeds 0-19) it wins all 20. With a per-seed win rate of 0.9,
// fewer than 15 wins has probability 4.3%; at 0.95, 0.3%. The run is seeded, so the count is fixed for this code; the margin
// guards against changes that make TPE only slightly worse.
TEST(Tpe, FindsHartmannsMinimumFasterThanRandomSearch) {
  const std::string space = "base: {train: {epochs: 1}, objective: {function: hartmann6}}\nparameters:\n"
                            "  objective.x1: {distribution: uniform, min: 0.0, max: 1.0}\n"
                            "  objective.x2: {distribution: uniform, min: 0.0, max: 1.0}\n"
                            "  objective.x3: {distribution: uniform, min: 0.0, max: 1.0}\n"
                            "  objective.x4: {distribution: uniform, min: 0.0, max: 1.0}\n"
                            "  objective.x5: {distribution: uniform, min: 0.0, max: 1.0}\n"
                            "  objective.x6: {distribution: uniform, min: 0.0, max: 1.0}\n";
  const auto spec = [&](const std::string& method, int seed) {
    return spec_of("method: " + method + "\nmax_trials: 50\nseed: " + std::to_string(seed) +
                   "\nmetric: {name: val_loss, goal: minimize}\n" + space);
  };
  int wins = 0;
  std::vector<double> tpe_regret, random_regret;
  for (int seed = 0; seed < 20; ++seed) {
    const double t = sequential(spec("tpe", seed), 50).back() - test_function_minimum("hartmann6");
    const double r = sequential(spec("random", seed), 50).back() - test_function_minimum("hartmann6");
    wins += t < r;
    tpe_regret.push_back(t);
    random_regret.push_back(r);
  }
  std::sort(tpe_regret.begin(), tpe_regret.end());
  std::sort(random_regret.begin(), random_regret.end());
  RecordProperty("tpe_wins", wins);
  EXPECT_GE(wins, 15) << "median regret tpe " << tpe_regret[10] << ", random " << random_regret[10];
  EXPECT_LT(tpe_regret[10], 0.5 * random_regret[10]);
}

TEST(Tpe, ConstantLiarKeepsConcurrentProposalsApart) {
  SweepSpec spec = spec_of(branin_spec("tpe", 1));
  auto a = make_algorithm(spec);
  // Ten results, then a trial started and not ended: the next proposal must
  // see it (it changes what is proposed), and differ from it.
  for (int t = 0; t < 10; ++t) {
    const auto p = *a->propose(t)();
    a->observe(event(TrialEvent::Kind::kStarted, t, 0, 0, p));
    a->observe(event(TrialEvent::Kind::kEpoch, t, 1, -ObjectiveRunner::loss(spec.trial_config(p), 1)));
    a->observe(event(TrialEvent::Kind::kFinished, t));
  }
  const auto first = *a->propose(10)();
  EXPECT_TRUE(a->observe(event(TrialEvent::Kind::kStarted, 10, 0, 0, first))) << "a running trial changes the model";
  const auto second = *a->propose(11)();
  EXPECT_NE(first, second);
  EXPECT_FALSE(a->observe(event(TrialEvent::Kind::kEpoch, 10, 1, -1.0))) << "an epoch of a running trial does not";
}

TEST(Conditional, InactiveParametersNeverAppearInConfigs) {
  const SweepSpec spec = spec_of(kMixed);
  for (const char* method : {"tpe", "random"}) {
    SweepSpec s = spec;
    if (std::string(method) == "random") s.method = Method::kRandom;
    auto a = make_algorithm(s);
    std::map<std::string, int> kinds;
    for (int t = 0; t < 40; ++t) {
      const auto p = *a->propose(t)();
      a->observe(event(TrialEvent::Kind::kStarted, t, 0, 0, p));
      const std::string kind = p.at("objective.kind").get<std::string>();
      ++kinds[kind];
      EXPECT_EQ(p.contains("objective.x1"), kind == "branin") << method << " " << p.dump();
      EXPECT_EQ(p.contains("objective.x2"), kind == "branin") << method << " " << p.dump();
      EXPECT_EQ(p.contains("objective.z"), kind == "sphere") << method << " " << p.dump();
      EXPECT_EQ(p.contains("objective.n"), kind == "sphere") << method << " " << p.dump();
      const auto config = s.trial_config(p);
      EXPECT_EQ(config["objective"].contains("z"), kind == "sphere") << "nor in the trial's config";
      a->observe(event(TrialEvent::Kind::kEpoch, t, 2, -ObjectiveRunner::loss(config, 2)));
      a->observe(event(TrialEvent::Kind::kFinished, t));
    }
    EXPECT_EQ(kinds.size(), 3u) << method;
  }
}

TEST(Conditional, BadConditionsAndTpeSettingsNameTheKey) {
  const std::string head = "method: tpe\nmax_trials: 5\nparameters:\n  model.name: {values: [cnn, mlp]}\n";
  EXPECT_NE(error_of(head + "  model.filters: {values: [8, 16], when: {model.nme: cnn}}\n")
                .find("parameters.model.filters.when.model.nme: names no swept parameter"),
            std::string::npos);
  EXPECT_NE(error_of(head + "  model.filters: {values: [8, 16], when: {model.name: svm}}\n")
                .find("parameters.model.filters.when.model.name: \"svm\" is not one of model.name's values"),
            std::string::npos);
  EXPECT_NE(error_of("method: tpe\nmax_trials: 5\nparameters:\n  a: {values: [1], when: {b: 1}}\n  b: {values: [1]}\n")
                .find("declared after this one"),
            std::string::npos);
  EXPECT_NE(error_of("method: grid\nparameters:\n  b: {values: [1]}\n  a: {values: [1], when: {b: 1}}\n")
                .find("parameters.a.when: conditional parameters need method random or tpe"),
            std::string::npos);
  EXPECT_NE(error_of(head + "tpe: {n_startup_trials: -1}\n").find("spec.yaml: tpe.n_startup_trials: must be at least 0"),
            std::string::npos);
  EXPECT_NE(error_of(head + "tpe: {gamma: 1.5}\n").find("tpe.gamma: must be in (0, 1]"), std::string::npos);
  EXPECT_NE(error_of(head + "tpe: {n_ei_candidates: 0}\n").find("tpe.n_ei_candidates: must be in 1..100000"),
            std::string::npos);
  EXPECT_NE(error_of(head + "tpe: {multivariat: true}\n").find("tpe.multivariat: unknown key"), std::string::npos);
  EXPECT_NE(error_of("method: random\nmax_trials: 5\ntpe: {}\nparameters: {a: {values: [1]}}\n")
                .find("tpe: goes only with method: tpe"),
            std::string::npos);
  EXPECT_NE(error_of("method: tpe\nparameters: {a: {values: [1]}}\n").find("max_trials: is required for method tpe"),
            std::string::npos);
  EXPECT_NE(error_of(head + "early_terminate: {type: median, interval_epochs: 0}\n")
                .find("early_terminate.interval_epochs: must be at least 1"),
            std::string::npos);
  EXPECT_EQ(error_of(head + "  model.filters: {values: [8, 16], when: {model.name: [cnn]}}\n"), "");
}

// Li et al. 2018, Table 1: R = 81, eta = 3.
TEST(Hyperband, BracketsAndRungsFollowThePublishedSchedule) {
  const auto s = hyperband_schedule(AshaSpec{1, 3, 81});
  using Rungs = std::vector<std::pair<int, int>>;
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].s, 4);
  EXPECT_EQ(s[0].rungs, (Rungs{{81, 1}, {27, 3}, {9, 9}, {3, 27}, {1, 81}}));
  EXPECT_EQ(s[1].rungs, (Rungs{{34, 3}, {11, 9}, {3, 27}, {1, 81}}));
  EXPECT_EQ(s[2].rungs, (Rungs{{15, 9}, {5, 27}, {1, 81}}));
  EXPECT_EQ(s[3].rungs, (Rungs{{8, 27}, {2, 81}}));
  EXPECT_EQ(s[4].rungs, (Rungs{{5, 81}}));
  EXPECT_EQ(hyperband_rung_epochs(AshaSpec{1, 3, 81}), (std::vector<int>{1, 3, 9, 27}));
  // max / min = 8, eta 2: s_max 3; r = max * eta^-s, n = ceil(4 / (s + 1) * 2^s).
  const auto t = hyperband_schedule(AshaSpec{2, 2, 16});
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].rungs, (Rungs{{8, 2}, {4, 4}, {2, 8}, {1, 16}}));
  EXPECT_EQ(t[1].rungs, (Rungs{{6, 4}, {3, 8}, {1, 16}}));
  EXPECT_EQ(t[2].rungs, (Rungs{{4, 8}, {2, 16}}));
  EXPECT_EQ(t[3].rungs, (Rungs{{4, 16}}));
}

TEST(Hyperband, DealsTrialsToBracketsInProportionAndPrunesWithinEach) {
  auto spec = spec_of("method: random\nmax_trials: 200\nearly_terminate: {type: hyperband, min_epochs: 1, eta: 3, max_epochs: 81}\n"
                      "parameters: {a: {distribution: uniform, min: 0.0, max: 1.0}}\n");
  auto algo = make_algorithm(spec);
  auto& hb = dynamic_cast<Hyperband&>(*algo);
  std::vector<int> count(5, 0);
  for (int t = 0; t < 143; ++t) ++count[hb.bracket_of(t)];
  EXPECT_EQ(count, (std::vector<int>{81, 34, 15, 8, 5})) << "one cycle deals each bracket its n";
  for (int t = 0; t < 10; ++t) EXPECT_EQ(hb.bracket_of(t), hb.bracket_of(t + 143));
  std::set<std::size_t> early;
  for (int t = 0; t < 10; ++t) early.insert(hb.bracket_of(t));
  EXPECT_GE(early.size(), 3u) << "brackets interleave";
  // Two trials of the first bracket meet at its first rung (epoch 1): eta 3, n 2, keep 1.
  std::vector<int> first;
  for (int t = 0; first.size() < 2; ++t)
    if (hb.bracket_of(t) == 0) first.push_back(t);
  algo->report(first[0], 1, 0.9);
  algo->report(first[1], 1, 0.5);
  EXPECT_FALSE(algo->should_stop(first[0], 1));
  EXPECT_TRUE(algo->should_stop(first[1], 1));
  // A trial of the last bracket (s = 0) is never stopped.
  int last = 0;
  while (hb.bracket_of(last) != 4) ++last;
  for (int e = 1; e <= 81; ++e) algo->report(last, e, -1.0);
  for (int e = 1; e <= 81; ++e) EXPECT_FALSE(algo->should_stop(last, e));
}

TEST(MedianStopping, StopsBelowTheMedianOfFinishedTrialsAtTheSameEpoch) {
  MedianOptions m;
  m.n_startup_trials = 2;
  MedianStopping rule(make_algorithm(spec_of("method: random\nmax_trials: 9\nparameters: {a: {distribution: uniform, min: 0.0, max: 1.0}}\n")), m);
  const auto run = [&](int trial, std::vector<double> scores, bool finish) {
    for (std::size_t e = 0; e < scores.size(); ++e) rule.report(trial, static_cast<int>(e + 1), scores[e]);
    if (finish) rule.observe(event(TrialEvent::Kind::kFinished, trial));
  };
  run(0, {0.5, 0.6}, false);
  EXPECT_FALSE(rule.should_stop(0, 1)) << "nothing is pruned before n_startup_trials have finished";
  rule.observe(event(TrialEvent::Kind::kFinished, 0));
  run(1, {0.3, 0.4}, true);
  run(2, {0.45}, false);  // median at epoch 1 of trials 0 and 1: 0.4
  EXPECT_FALSE(rule.should_stop(2, 1));
  run(3, {0.35}, false);
  EXPECT_TRUE(rule.should_stop(3, 1));
  run(4, {0.2, 0.55}, false);  // best so far at epoch 2 is 0.55, the median there 0.5
  EXPECT_TRUE(rule.should_stop(4, 1));
  EXPECT_FALSE(rule.should_stop(4, 2));
  run(5, {std::nan("")}, false);
  EXPECT_TRUE(rule.should_stop(5, 1)) << "all NaN: stop";
}

TEST(Suggester, ASlowProposalDoesNotBlockTheCaller) {
  Suggester s;
  const auto t0 = std::chrono::steady_clock::now();
  s.submit([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return std::optional<nlohmann::json>(nlohmann::json{{"a", 1}});
  });
  EXPECT_FALSE(s.poll().has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(200)) << "submit and poll return at once";
  const auto r = s.wait();
  ASSERT_TRUE(r && r->params);
  EXPECT_EQ((*r->params)["a"], 1);
  EXPECT_TRUE(s.idle());
}

// Kill and resume an adaptive sweep in-process (sweep_driver.h). With one
// group the event order is fixed, so the resumed sweep proposes exactly the
// configs of an uninterrupted run; with two, every resume rebuilds the
// proposals the journal recorded (else the constructor throws) and reruns
// nothing that ended.
TEST(AdaptiveResume, KilledAndResumedTpeAndBohbSweepsMatchUninterruptedOnes) {
  const char* tpe = R"(
method: tpe
max_trials: 16
seed: 5
metric: {name: val_loss, goal: minimize}
tpe: {n_startup_trials: 4}
base: {train: {epochs: 3}, objective: {function: branin}}
parameters:
  objective.x1: {distribution: uniform, min: -5.0, max: 10.0}
  objective.x2: {distribution: uniform, min: 0.0, max: 15.0}
)";
  std::string bohb = tpe;
  bohb.replace(bohb.find("base:"), 0, "early_terminate: {type: hyperband, min_epochs: 1, eta: 3, max_epochs: 9}\n");
  for (const std::string& yaml : {std::string(tpe), bohb}) {
    genre::test::TempDir d;
    const SweepSpec spec = spec_of(yaml);
    for (int groups : {1, 2}) {
      const auto clean = d / ("clean" + std::to_string(groups));
      {
        Coordinator c(spec, clean, {});
        c.start(groups);
        genre::search::test::VirtualSweep v;
        ASSERT_TRUE(v.drive(c, groups));
      }
      for (long kill_at : {5L, 23L, 41L}) {
        const auto run = d / ("killed" + std::to_string(groups) + "-" + std::to_string(kill_at));
        genre::search::test::VirtualSweep v;
        {
          Coordinator c(spec, run, {});
          c.start(groups);
          ASSERT_FALSE(v.drive(c, groups, kill_at));
        }
        std::set<int> ended;
        for (const auto& t : load_sweep(run).trials)
          if (t.terminal()) ended.insert(t.id);
        v.runs.clear();
        Coordinator resumed(spec, run, read_journal(run / "journal.jsonl").events);
        resumed.start(groups);
        ASSERT_TRUE(v.drive(resumed, groups));
        for (int t : ended) EXPECT_EQ(v.runs.count(t), 0u) << "trial " << t << " ended and must not run again";
        EXPECT_NO_THROW(Coordinator(spec, run, read_journal(run / "journal.jsonl").events)) << "the journal replays";
        if (groups == 1) {
          EXPECT_EQ(genre::search::test::board(run), genre::search::test::board(clean)) << yaml << "killed after " << kill_at;
        }
        EXPECT_EQ(load_sweep(run).trials.size(), 16u);
      }
    }
  }
}

TEST(AdaptiveResume, AChangedSeedIsRefusedAtTheFirstDifferingTrial) {
  genre::test::TempDir d;
  const SweepSpec spec = spec_of(branin_spec("tpe", 2));
  {
    Coordinator c(spec, d.path(), {});
    c.start(1);
    genre::search::test::VirtualSweep v;
    v.drive(c, 1, 40);
  }
  SweepSpec other = spec;
  other.tpe->n_startup_trials = 3;  // same start-up draws, other model afterwards
  try {
    Coordinator c(other, d.path(), read_journal(d / "journal.jsonl").events);
    FAIL() << "the model changed";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("trial 3 was started with"), std::string::npos) << e.what();
  }
}
