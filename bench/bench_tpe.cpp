// Search quality and suggestion cost of genre's TPE (issue 14), printed as
// tab-separated rows that bench/bench_tpe.sh sets beside Optuna's
// (bench/bench_tpe_optuna.py) from the same run:
//
//   bench_tpe quality [--seeds 20] [--trials 50] [--functions branin,mixed]
//                     [--methods tpe,tpe_multivariate,random] [--per-seed]
//     method  function  regret@10  regret@25  regret@50   (medians over the seeds)
//     with --per-seed: method  function  seed  regret@10  regret@25  regret@50
//   bench_tpe cost
//     method  finished_trials  ms_per_suggestion           (median of 15, CPU time)
//   bench_tpe report RUN_DIR
//     a 40-trial TPE sweep of the conditional test function with median
//     stopping, through genre search's own run_search and the objective
//     runner: RUN_DIR/report.html shows what an adaptive sweep's report holds
//
// Trials run one after another, each proposed from every earlier result
// (the sequential setting Optuna's study.optimize uses), through the same
// SearchAlgorithm interface and event stream the coordinator drives. Regret
// is the noise-free value of the best trial so far minus the function's
// minimum (for the noisy function, "best" is by the noisy values seen).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <string>
#include <vector>

#include <fstream>

#include "common/log.h"
#include "dist/mpi.h"
#include "search/algorithm.h"
#include "search/sweep.h"
#include "search/objective_runner.h"
#include "search/test_functions.h"

using namespace genre::search;

namespace {

struct Function {
  const char* name;     // as printed
  const char* spec;     // base + parameters
  const char* formula;  // objective.function
};

const Function kFunctions[] = {
    {"branin", "base: {train: {epochs: 1}, objective: {function: branin}}\nparameters:\n"
               "  objective.x1: {distribution: uniform, min: -5.0, max: 10.0}\n  objective.x2: {distribution: uniform, min: 0.0, max: 15.0}\n", "branin"},
    {"hartmann6", "base: {train: {epochs: 1}, objective: {function: hartmann6}}\nparameters:\n"
                  "  objective.x1: {distribution: uniform, min: 0.0, max: 1.0}\n  objective.x2: {distribution: uniform, min: 0.0, max: 1.0}\n"
                  "  objective.x3: {distribution: uniform, min: 0.0, max: 1.0}\n  objective.x4: {distribution: uniform, min: 0.0, max: 1.0}\n"
                  "  objective.x5: {distribution: uniform, min: 0.0, max: 1.0}\n  objective.x6: {distribution: uniform, min: 0.0, max: 1.0}\n", "hartmann6"},
    {"hartmann6_noisy", "base: {train: {epochs: 1}, objective: {function: hartmann6, noise: 0.1}}\nparameters:\n"
                        "  objective.x1: {distribution: uniform, min: 0.0, max: 1.0}\n  objective.x2: {distribution: uniform, min: 0.0, max: 1.0}\n"
                        "  objective.x3: {distribution: uniform, min: 0.0, max: 1.0}\n  objective.x4: {distribution: uniform, min: 0.0, max: 1.0}\n"
                        "  objective.x5: {distribution: uniform, min: 0.0, max: 1.0}\n  objective.x6: {distribution: uniform, min: 0.0, max: 1.0}\n", "hartmann6"},
    {"mixed", "base: {train: {epochs: 1}, objective: {function: mixed}}\nparameters:\n"
              "  objective.kind: {values: [branin, sphere, flat]}\n  objective.act: {values: [relu, tanh, sigmoid]}\n"
              "  objective.x1: {distribution: uniform, min: -5.0, max: 10.0, when: {objective.kind: branin}}\n"
              "  objective.x2: {distribution: uniform, min: 0.0, max: 15.0, when: {objective.kind: branin}}\n"
              "  objective.z: {distribution: uniform, min: -5.0, max: 5.0, when: {objective.kind: sphere}}\n"
              "  objective.n: {distribution: int_uniform, min: 1, max: 8, when: {objective.kind: sphere}}\n", "mixed"},
};

SweepSpec make_spec(const std::string& head, const Function& f, int seed, int trials) {
  const std::string yaml = head + "max_trials: " + std::to_string(trials) + "\nseed: " + std::to_string(seed) +
                           "\nmetric: {name: val_loss, goal: minimize}\n" + f.spec;
  SweepSpec s = parse_spec_text(yaml, "bench", ".");
  s.validate();
  return s;
}

TrialEvent ev(TrialEvent::Kind k, int trial, int epoch = 0, double score = 0) {
  TrialEvent e;
  e.kind = k;
  e.trial = trial;
  e.epoch = epoch;
  e.score = score;
  return e;
}

// Regret after each trial.
std::vector<double> run(const SweepSpec& spec, const char* formula) {
  auto a = make_algorithm(spec);
  std::vector<double> regret;
  double best_seen = HUGE_VAL, best_true = HUGE_VAL;
  for (int t = 0; t < spec.trial_count(); ++t) {
    const auto params = *a->propose(t)();
    TrialEvent start = ev(TrialEvent::Kind::kStarted, t);
    start.params = params;
    a->observe(start);
    const auto config = spec.trial_config(params);
    const double seen = ObjectiveRunner::loss(config, 1);
    a->observe(ev(TrialEvent::Kind::kEpoch, t, 1, -seen));
    a->observe(ev(TrialEvent::Kind::kFinished, t));
    if (seen < best_seen) best_seen = seen, best_true = test_function(formula, config["objective"]);
    regret.push_back(best_true - test_function_minimum(formula));
  }
  return regret;
}

double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return 1e3 * static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_nsec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Sampler {
  const char* name;  // as --methods names it (printed with "genre_" before it)
  const char* head;  // the spec's method lines
};

const Sampler kSamplers[] = {{"tpe", "method: tpe\n"},
                           {"tpe_multivariate", "method: tpe\ntpe: {multivariate: true}\n"},
                           {"random", "method: random\n"}};

struct QualityOptions {
  int seeds = 20, trials = 50;
  std::vector<const Function*> functions;
  std::vector<const Sampler*> methods;
  bool per_seed = false;
};

void quality(const QualityOptions& q) {
  for (const Function* f : q.functions)
    for (const Sampler* m : q.methods) {
      std::vector<double> at10, at25, at50;
      for (int s = 0; s < q.seeds; ++s) {
        const auto r = run(make_spec(m->head, *f, s, q.trials), f->formula);
        at10.push_back(r[std::min<std::size_t>(9, r.size() - 1)]);
        at25.push_back(r[std::min<std::size_t>(24, r.size() - 1)]);
        at50.push_back(r.back());
        if (q.per_seed)
          std::printf("genre_%s\t%s\t%d\t%.6g\t%.6g\t%.6g\n", m->name, f->name, s, at10.back(), at25.back(),
                      at50.back());
      }
      if (!q.per_seed)
        std::printf("genre_%s\t%s\t%.4f\t%.4f\t%.4f\n", m->name, f->name, median(at10), median(at25), median(at50));
      std::fflush(stdout);
    }
}

// "a,b" -> the entries of `table` named a and b; an unknown name is a usage error.
template <typename T, std::size_t N>
bool pick(const std::string& list, const T (&table)[N], std::vector<const T*>& out) {
  out.clear();
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t end = std::min(list.find(',', begin), list.size());
    const std::string name = list.substr(begin, end - begin);
    const T* hit = nullptr;
    for (const T& t : table)
      if (name == t.name) hit = &t;
    if (!hit) {
      std::fprintf(stderr, "bench_tpe: unknown name '%s' in '%s'\n", name.c_str(), list.c_str());
      return false;
    }
    out.push_back(hit);
    begin = end + 1;
  }
  return true;
}

bool parse_quality(int argc, char** argv, QualityOptions& q) {
  for (const Function& f : kFunctions) q.functions.push_back(&f);
  for (const Sampler& m : kSamplers) q.methods.push_back(&m);
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--per-seed") {
      q.per_seed = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (flag == "--seeds") q.seeds = std::atoi(value.c_str());
    else if (flag == "--trials") q.trials = std::atoi(value.c_str());
    else if (flag == "--functions") { if (!pick(value, kFunctions, q.functions)) return false; }
    else if (flag == "--methods") { if (!pick(value, kSamplers, q.methods)) return false; }
    else return false;
  }
  return q.seeds >= 1 && q.trials >= 1;
}

void cost() {
  for (const char* head : {"method: tpe\n", "method: tpe\ntpe: {multivariate: true}\n"})
    for (int finished : {100, 1000}) {
      const SweepSpec spec = make_spec(head, kFunctions[1], 1, finished + 100);
      SweepSpec random = spec;
      random.method = Method::kRandom;
      auto filler = make_algorithm(random);
      auto a = make_algorithm(spec);
      for (int t = 0; t < finished; ++t) {
        TrialEvent start = ev(TrialEvent::Kind::kStarted, t);
        start.params = *filler->propose(t)();
        a->observe(start);
        a->observe(ev(TrialEvent::Kind::kEpoch, t, 1, -ObjectiveRunner::loss(spec.trial_config(start.params), 1)));
        a->observe(ev(TrialEvent::Kind::kFinished, t));
      }
      std::vector<double> ms;
      for (int rep = 0; rep < 15; ++rep) {
        // CPU time of this process: the development machine is shared (loads
        // of 15 on 2 cores), which inflates wall time at random.
        const double t0 = cpu_ms();
        const auto p = a->propose(finished)();  // the snapshot copy is part of the cost
        ms.push_back(cpu_ms() - t0);
        if (!p) return;
      }
      std::printf("%s\t%d\t%.3f\n", spec.tpe->multivariate ? "genre_tpe_multivariate" : "genre_tpe", finished, median(ms));
    }
}

void report(const std::filesystem::path& dir) {
  genre::dist::Environment mpi(nullptr, nullptr);
  const genre::dist::Comm world = genre::dist::Comm::world();
  genre::log::setup(0, /*quiet=*/true);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "spec.yaml") << "name: mixed-tpe\nmethod: tpe\nmax_trials: 40\nseed: 4\n"
                                      "metric: {name: val_loss, goal: minimize}\n"
                                      "early_terminate: {type: median, n_startup_trials: 5}\n"
                                   << [] {  // six epochs each, so the median rule has learning curves to judge
                                        std::string spec = kFunctions[3].spec;
                                        spec.replace(spec.find("epochs: 1"), 9, "epochs: 6");
                                        return spec;
                                      }();
  std::ofstream(dir / "no-data") << "the objective reads no data\n";
  SearchOptions o;
  o.spec = dir / "spec.yaml";
  o.data = dir / "no-data";
  o.out = dir / "run";
  const auto outcome = run_search(o, world, [] { return std::make_unique<ObjectiveRunner>(nullptr); }, nullptr, nullptr);
  std::printf("%s: %d trials\n", (o.out / "report.html").c_str(), outcome.trials);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "quality";
  QualityOptions q;
  if (what == "quality" && parse_quality(argc, argv, q)) quality(q);
  else if (what == "cost") cost();
  else if (what == "report" && argc > 2) report(argv[2]);
  else {
    std::fprintf(stderr,
                 "usage: bench_tpe quality [--seeds N] [--trials N] [--functions a,b] [--methods a,b] [--per-seed]"
                 " | cost | report RUN_DIR\n");
    return 2;
  }
  return 0;
}
