// Sweep specs: the W&B vocabulary parsed into SweepSpec, and every malformed
// spec rejected with the key and the problem.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>

#include "common/error.h"
#include "config/alias_bomb.h"
#include "config/yaml_json.h"
#include "search/spec.h"
#include "support/test_support.h"

using namespace genre;
using namespace genre::search;
using genre::config::json_to_yaml;
using genre::config::yaml_to_json;

namespace {

SweepSpec parse(const std::string& yaml) { return parse_spec_text(yaml, "spec.yaml", "."); }

// The UsageError message of parsing and validating `yaml`, or "" when it is fine.
std::string error_of(const std::string& yaml) {
  try {
    parse(yaml).validate();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

const char* const kGood = R"(
name: demo
method: random
metric: {name: val_track_accuracy, goal: maximize}
max_trials: 12
seed: 7
ranks_per_trial: 2
early_terminate: {type: asha, min_epochs: 1, eta: 3, max_epochs: 9}
base:
  model: {name: cnn}
  train: {epochs: 20, seed: 3}
  optim.lr: 0.001
parameters:
  optim.lr: {distribution: log_uniform_values, min: 1e-4, max: 1e-2}
  model.name: {values: [cnn, resnet]}
  data.batch_size: {value: 32}
  model.dropout: {min: 0.1, max: 0.5}
  model.dense: {min: 32, max: 128}
  optim.weight_decay: {distribution: q_uniform, min: 0, max: 0.01, q: 0.001}
  model:
    parameters:
      stem: {values: [16, 32]}
)";

}  // namespace

TEST(SweepSpec, ParsesEveryKey) {
  const SweepSpec s = parse(kGood);
  EXPECT_NO_THROW(s.validate());
  EXPECT_EQ(s.name, "demo");
  EXPECT_EQ(s.method, Method::kRandom);
  EXPECT_EQ(s.metric.name, "val_track_accuracy");
  EXPECT_EQ(s.metric.goal, Goal::kMaximize);
  EXPECT_EQ(s.metric.test_name(), "test_track_accuracy");
  EXPECT_EQ(*s.max_trials, 12);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.ranks_per_trial, 2);
  ASSERT_TRUE(s.asha.has_value());
  EXPECT_EQ(s.asha->rungs(), (std::vector<int>{1, 3}));
  // Dotted base keys are nested, so overriding by path finds them.
  EXPECT_EQ(s.base["optim"]["lr"], 0.001);
  EXPECT_EQ(s.base["train"]["epochs"], 20);

  ASSERT_EQ(s.parameters.size(), 7u);
  EXPECT_EQ(s.parameters[0].name, "optim.lr");
  EXPECT_EQ(s.parameters[0].distribution, Distribution::kLogUniformValues);
  EXPECT_EQ(s.parameters[1].distribution, Distribution::kCategorical);
  EXPECT_EQ(s.parameters[1].values, (std::vector<nlohmann::json>{"cnn", "resnet"}));
  EXPECT_EQ(s.parameters[2].distribution, Distribution::kConstant);
  // W&B's inference: two floats -> uniform, two integers -> int_uniform.
  EXPECT_EQ(s.parameters[3].distribution, Distribution::kUniform);
  EXPECT_EQ(s.parameters[4].distribution, Distribution::kIntUniform);
  EXPECT_EQ(s.parameters[5].distribution, Distribution::kQUniform);
  EXPECT_FALSE(s.parameters[5].integral);
  EXPECT_EQ(s.parameters[6].name, "model.stem");  // nested parameters flattened
  EXPECT_EQ(s.trial_count(), 12);
}

TEST(SweepSpec, TrialConfigOverridesTheBase) {
  const SweepSpec s = parse(kGood);
  const nlohmann::json params = {{"optim.lr", 0.005}, {"model.name", "resnet"}, {"data.batch_size", 32},
                                 {"model.dropout", 0.2}, {"model.dense", 64},   {"optim.weight_decay", 0.001},
                                 {"model.stem", 16}};
  const auto c = s.trial_config(params);
  EXPECT_EQ(c["optim"]["lr"], 0.005);
  EXPECT_EQ(c["model"]["name"], "resnet");
  EXPECT_EQ(c["model"]["stem"], 16);
  EXPECT_EQ(c["data"]["batch_size"], 32);
  EXPECT_EQ(c["train"]["seed"], 3) << "base keys no parameter touches stay";
  EXPECT_EQ(c["train"]["epochs"], 9) << "ASHA's max_epochs sets the epochs";
  EXPECT_EQ(c["train"]["metric"], "val_track_accuracy") << "the checkpoint keeps the best epoch by the sweep metric";
}

TEST(SweepSpec, GridSizeAndDefaults) {
  const SweepSpec s = parse(R"(
method: grid
parameters:
  a: {values: [1, 2, 3]}
  b: {distribution: int_uniform, min: 0, max: 3}
  c: {distribution: q_uniform, min: 0, max: 1, q: 0.25}
)");
  EXPECT_NO_THROW(s.validate());
  EXPECT_EQ(s.metric.name, "val_track_accuracy");
  EXPECT_EQ(s.seed, 0u);
  EXPECT_EQ(s.ranks_per_trial, 1);
  EXPECT_EQ(s.trial_count(), 3 * 4 * 5);
  SweepSpec capped = s;
  capped.max_trials = 7;
  EXPECT_EQ(capped.trial_count(), 7);
}

TEST(SweepSpec, BaseFromATrainingJobFile) {
  genre::test::TempDir d;
  genre::test::write_file(d / "seed-cnn.yaml", "model:\n  name: cnn\ntrain:\n  epochs: 50\n");
  genre::test::write_file(d / "sweep.yaml", "method: grid\nbase: seed-cnn.yaml\nparameters:\n  optim.lr: {values: [0.1]}\n");
  const SweepSpec s = parse_spec_file(d / "sweep.yaml");
  EXPECT_EQ(s.base["train"]["epochs"], 50);
  EXPECT_EQ(s.origin, (d / "sweep.yaml").string());
  genre::test::write_file(d / "bad.yaml", "method: grid\nbase: missing.yaml\nparameters:\n  x: {value: 1}\n");
  try {
    parse_spec_file(d / "bad.yaml");
    FAIL() << "a missing base file must be an error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("base: cannot read"), std::string::npos) << e.what();
  }
}

// base_for_model: each model of a multi-model sweep starts from its own
// config (the seed's job files), merged over base, the parameters on top.
TEST(SweepSpec, BaseForModelMergesTheTrialsOwnModelConfig) {
  genre::test::TempDir d;
  genre::test::write_file(d / "seed-cnn.yaml",
                          "model: {name: cnn, dense: 64, dropout: 0.3}\ndata: {standardize: false}\n"
                          "schedule: {name: constant}\n");
  genre::test::write_file(d / "sweep.yaml", R"(method: grid
base:
  data: {batch_size: 32, standardize: true}
  train: {epochs: 9}
base_for_model:
  cnn: seed-cnn.yaml
  resnet: {model: {stages: [32, 64]}, schedule: {name: hold_then_decay, hold_epochs: 10}}
parameters:
  model.name: {values: [mlp, cnn, resnet]}
  model.dropout: {values: [0.5]}
)");
  const SweepSpec s = parse_spec_file(d / "sweep.yaml");
  const auto mlp = s.trial_config({{"model.name", "mlp"}, {"model.dropout", 0.5}});
  const auto cnn = s.trial_config({{"model.name", "cnn"}, {"model.dropout", 0.5}});
  const auto resnet = s.trial_config({{"model.name", "resnet"}, {"model.dropout", 0.5}});
  EXPECT_FALSE(mlp.contains("schedule"));
  EXPECT_EQ(mlp["data"]["standardize"], true);
  EXPECT_EQ(cnn["data"]["standardize"], false);  // the model's config over base
  EXPECT_EQ(cnn["data"]["batch_size"], 32);      // merged, not replaced
  EXPECT_EQ(cnn["model"]["dense"], 64);
  EXPECT_EQ(cnn["model"]["dropout"], 0.5);       // the parameter over both
  EXPECT_EQ(cnn["schedule"]["name"], "constant");
  EXPECT_EQ(resnet["schedule"]["name"], "hold_then_decay");
  EXPECT_EQ(resnet["model"]["stages"], nlohmann::json({32, 64}));
  // The run folder's copy inlines the files, and parses to the same configs there.
  const std::string copy = self_contained(genre::test::read_file(d / "sweep.yaml"), s);
  EXPECT_EQ(copy.find("seed-cnn.yaml\n"), std::string::npos) << copy;
  genre::test::TempDir elsewhere;
  const SweepSpec again = parse_spec_text(copy, "sweep.yaml", elsewhere.path());
  EXPECT_EQ(again.trial_config({{"model.name", "cnn"}, {"model.dropout", 0.5}}), cnn);
  EXPECT_EQ(self_contained(copy, again), copy);  // nothing left to inline

  EXPECT_NE(error_of("method: grid\nbase_for_model: {svm: {}}\nparameters: {a: {values: [1]}}\n")
                .find("base_for_model.svm: 'svm' is not a model"),
            std::string::npos);
  EXPECT_NE(error_of("method: grid\nbase_for_model: {cnn: {model: {name: resnet}}}\nparameters: {a: {values: [1]}}\n")
                .find("base_for_model.cnn.model.name: is \"resnet\""),
            std::string::npos);
  EXPECT_NE(error_of("method: grid\nbase_for_model: [cnn]\nparameters: {a: {values: [1]}}\n").find("base_for_model: must be a mapping"),
            std::string::npos);
}

// The sweeps the repository ships parse, validate and expand.
TEST(SweepSpec, TheRepositorysSweepsAreValid) {
  for (const char* name : {"sweep-seed-models.yaml", "demo-sweep.yaml"}) {
    const SweepSpec s = parse_spec_file(genre::test::source_dir() / "jobs" / name);
    EXPECT_NO_THROW(s.validate()) << name;
    EXPECT_GT(s.trial_count(), 0) << name;
  }
  const SweepSpec seed = parse_spec_file(genre::test::source_dir() / "jobs/sweep-seed-models.yaml");
  const auto cnn = seed.trial_config({{"model.name", "cnn"}, {"optim.lr", 1e-4}, {"model.dropout", 0.3}});
  EXPECT_EQ(cnn["data"]["standardize"], false);  // the seed CNN's raw MFCCs
  EXPECT_EQ(cnn["model"]["filters"], nlohmann::json({32, 32, 32}));
  const auto resnet = seed.trial_config({{"model.name", "resnet"}, {"optim.lr", 1e-3}, {"model.dropout", 0.4}});
  EXPECT_EQ(resnet["schedule"]["name"], "hold_then_decay");
  EXPECT_EQ(resnet["model"]["dense_l2"], 1e-3);
}

TEST(SweepSpec, MalformedSpecsNameTheKeyAndTheProblem) {
  struct Case {
    const char* yaml;
    const char* expected;  // a piece of the message
  };
  const Case cases[] = {
      {"method: grid\nparameters: {a: {values: [1]}}\nbogus: 1\n", "spec.yaml: line 3: bogus: unknown key (known: name, description, method, metric,"},
      {"parameters: {a: {values: [1]}}\n", "method: is required"},
      {"method: bayes\nparameters: {a: {values: [1]}}\n", "method: unknown method 'bayes'"},
      {"method: grid\n", "parameters: is required"},
      {"method: grid\nparameters: {}\n", "parameters: is empty"},
      {"method: random\nparameters: {a: {values: [1]}}\n", "max_trials: is required for method random"},
      {"method: random\nmax_trials: 0\nparameters: {a: {values: [1]}}\n", "spec.yaml: max_trials: 0 is out of range [1, 1000000]"},
      {"method: random\nmax_trials: many\nparameters: {a: {values: [1]}}\n", "spec.yaml: line 2: max_trials: expected an integer, got 'many'"},
      {"method: grid\nseed: -1\nparameters: {a: {values: [1]}}\n", "spec.yaml: seed: -1 is out of range [0, ...]"},
      {"method: grid\nranks_per_trial: 0\nparameters: {a: {values: [1]}}\n", "spec.yaml: ranks_per_trial: 0 is out of range [1, 1048576]"},
      {"method: grid\nmetric: {name: val_loss, goal: up}\nparameters: {a: {values: [1]}}\n",
       "metric.goal: must be maximize or minimize"},
      {"method: grid\nmetric: {goal: maximize}\nparameters: {a: {values: [1]}}\n", "metric.name: is required"},
      {"method: grid\nmetric: {name: test_accuracy}\nparameters: {a: {values: [1]}}\n",
       "metric.name: 'test_accuracy' is a test metric"},
      {"method: grid\nparameters: {lr: {min: 0.1, max: 1.0}}\n",
       "parameters.lr: method grid cannot enumerate the continuous distribution uniform"},
      {"method: random\nmax_trials: 2\nparameters: {lr: {distribution: normal, min: 0, max: 1}}\n",
       "parameters.lr.distribution: unknown distribution 'normal'"},
      {"method: random\nmax_trials: 2\nparameters: {lr: {min: 0.5, max: 0.1}}\n", "parameters.lr.min: must be below max"},
      {"method: random\nmax_trials: 2\nparameters: {lr: {distribution: log_uniform_values, min: 0, max: 1}}\n",
       "parameters.lr.min: must be positive for log_uniform_values"},
      {"method: random\nmax_trials: 2\nparameters: {n: {distribution: int_uniform, min: 1.5, max: 4}}\n",
       "parameters.n.min: must be an integer for int_uniform"},
      {"method: random\nmax_trials: 2\nparameters: {x: {distribution: q_uniform, min: 0, max: 1, q: 0}}\n",
       "parameters.x.q: must be positive"},
      {"method: random\nmax_trials: 2\nparameters: {x: {distribution: uniform, min: 0}}\n",
       "parameters.x.max: is required by distribution uniform"},
      {"method: random\nmax_trials: 2\nparameters: {x: {value: 1, values: [2]}}\n",
       "parameters.x: give exactly one of value, values"},
      {"method: random\nmax_trials: 2\nparameters: {x: {values: []}}\n", "parameters.x.values: must be a non-empty list"},
      {"method: random\nmax_trials: 2\nparameters: {x: {values: [1, 2], probabilities: [0.5, 0.6]}}\n",
       "parameters.x.probabilities: must sum to 1"},
      {"method: random\nmax_trials: 2\nparameters: {x: {valuez: [1]}}\n", "parameters.x.valuez: unknown key"},
      {"method: random\nmax_trials: 2\nparameters: {x: 3}\n", "parameters.x: must be a mapping"},
      {"method: random\nmax_trials: 2\nparameters: {x: {min: a, max: 2}}\n", "parameters.x.min: must be a number"},
      {"method: grid\nearly_terminate: {type: pbt, max_epochs: 9}\nparameters: {a: {values: [1]}}\n",
       "early_terminate.type: unknown type 'pbt'"},
      {"method: grid\nearly_terminate: {type: asha, eta: 1, max_epochs: 9}\nparameters: {a: {values: [1]}}\n",
       "early_terminate.eta: must be in 2..1000"},
      {"method: grid\nearly_terminate: {type: asha, min_epochs: 4, max_epochs: 2}\nparameters: {a: {values: [1]}}\n",
       "early_terminate.max_epochs: must be at least min_epochs"},
      {"method: grid\nearly_terminate: {type: asha}\nparameters: {a: {values: [1]}}\n",
       "early_terminate.max_epochs: is required"},
      {"method: grid\nearly_terminate: {type: asha, max_epochs: 9}\nparameters: {train.epochs: {values: [1, 2]}}\n",
       "parameters.train.epochs: cannot be swept with early_terminate"},
      {"method: grid\nbase: {optim: adam}\nparameters: {optim.lr: {values: [1]}}\n",
       "parameters.optim.lr: base.optim is \"adam\", not a mapping"},
      {"method: grid\nbase: {train: {epochs: 3}, train.epochs: 4}\nparameters: {a: {values: [1]}}\n",
       "base.train.epochs: is given twice"},
      {"method: grid\nparameters: {a: {values: [1]}, a.b: {values: [2]}}\n",
       "parameters.a.b: lies inside parameters.a"},
      {"method: [grid\n", "spec.yaml: line 2: YAML syntax error"},
      {"method: grid\nparameters: {a: {values: [1]}}\nmethod: random\n",
       "spec.yaml: line 3: method: is given twice (first at line 1"},
      {"method: grid\nparameters: {a: {values: [1]}, b: {values: [1]}, a: {values: [2]}}\n",
       "spec.yaml: line 2: parameters.a: is given twice"},
      {"- a\n- b\n", "a sweep spec must be a mapping"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of(c.yaml);
    EXPECT_NE(e.find(c.expected), std::string::npos) << "spec:\n" << c.yaml << "message: " << e;
    EXPECT_EQ(e.rfind("spec.yaml: ", 0), 0u) << "every message starts with the file: " << e;
  }
}

// #13.8: 533 bytes of aliases grew past a gigabyte in `genre search --plan`.
TEST(SweepSpec, AnAliasBombIsRefusedAtOnceInBoundedMemory) {
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  const auto start = std::chrono::steady_clock::now();
  const std::string e = error_of("method: grid\n" + genre::config::test::alias_bomb("p") +
                                 "parameters: {x: {values: *i}}\n");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  getrusage(RUSAGE_SELF, &after);
  EXPECT_EQ(e.rfind("spec.yaml: line 2: pa: uses an anchor or alias", 0), 0u) << e;
  EXPECT_LT(seconds, 0.5);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 16 * 1024) << "kB";
}

TEST(SweepSpec, DeepNestingAndRepeatedKeysOfABaseFileNameTheirLine) {
  std::string deep = "method: grid\nparameters: {x: {values: [";
  for (int i = 0; i < 100; ++i) deep += "[";
  const std::string e = error_of(deep + std::string(101, ']') + "}}\n");
  EXPECT_EQ(e.rfind("spec.yaml: line 2: parameters.x.values[0][0]", 0), 0u) << e;
  EXPECT_NE(e.find("nests deeper than 64"), std::string::npos) << e;

  genre::test::TempDir d;
  genre::test::write_file(d / "seed.yaml", "model: {name: cnn}\ntrain: {epochs: 5}\nmodel: {name: mlp}\n");
  genre::test::write_file(d / "sweep.yaml", "method: grid\nbase: seed.yaml\nparameters: {x: {value: 1}}\n");
  const std::string b = genre::test::error_of([&] { parse_spec_file(d / "sweep.yaml"); });
  EXPECT_NE(b.find("sweep.yaml: base: " + (d / "seed.yaml").string() + ": line 3: model: is given twice (first at line 1"),
            std::string::npos)
      << b;
}

TEST(YamlJson, TypesScalarsByTheCoreSchemaAndRoundTrips) {
  const auto j = yaml_to_json(YAML::Load("{a: 1e-3, b: 3, c: true, d: '3', e: cnn, f: [1, 2.5], g: ~, h: 1.0}"), "");
  EXPECT_TRUE(j["a"].is_number_float());
  EXPECT_DOUBLE_EQ(j["a"].get<double>(), 1e-3);
  EXPECT_TRUE(j["b"].is_number_integer());
  EXPECT_EQ(j["c"], true);
  EXPECT_EQ(j["d"], "3") << "a quoted number stays text";
  EXPECT_EQ(j["e"], "cnn");
  EXPECT_TRUE(j["g"].is_null());
  EXPECT_TRUE(j["h"].is_number_float());
  EXPECT_EQ(yaml_to_json(YAML::Load(json_to_yaml(j)), ""), j);
  const nlohmann::json tricky = {{"x", 0.1}, {"y", "true"}, {"z", "1e5"}, {"w", 1e-300}, {"v", 2.0}};
  EXPECT_EQ(yaml_to_json(YAML::Load(json_to_yaml(tricky)), ""), tricky);
}
