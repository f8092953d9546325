// The sweep's efficiency: busy fraction (time the worker groups spend inside
// trials / (groups x sweep wall time)) and the coordinator's overhead per
// trial (its time handling messages, journal fsyncs included), for a 12-trial
// sweep on 2 groups. Run under mpiexec -n 3 (a coordinator and two groups of
// one rank):
//
//   mpiexec -n 3 bench_search [--data dataset.json] [--runs 3]
//
// Three sweeps: "objective", whose trials sleep through their epochs (10 x
// 0.2 s), isolates what the coordination costs; "tpe" is the same with TPE
// proposing the configs; "trainer" (with --data) runs
// the real trainer on a small CNN (12 trials x 6 epochs), where the groups'
// time also includes what each trial does besides its epochs (building the
// model, the first trial's data loading, the test evaluation). The wall time
// runs from the coordinator's start to the last group's quit, so MPI start-up
// is not in it. Medians of --runs runs are printed by rank 0.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "common/log.h"
#include "dist/mpi.h"
#include "search/objective_runner.h"
#include "search/sweep.h"
#include "search/train_runner.h"

using namespace genre;
using namespace genre::search;

namespace {

struct Figures {
  double busy = 0, overhead_ms = 0, wall_s = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

Figures run_once(const dist::Comm& world, const std::filesystem::path& dir, const std::string& spec,
                 const std::filesystem::path& data, const RunnerFactory& make_runner) {
  if (world.rank() == 0) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "spec.yaml") << spec;
  }
  world.barrier();
  SearchOptions o;
  o.spec = dir / "spec.yaml";
  o.data = data;
  o.out = dir / "run";
  o.render_every_s = 1e9;  // render once at the end, as a long sweep effectively does
  const SearchOutcome out = run_search(o, world, make_runner, nullptr, nullptr);
  Figures f;
  if (world.rank() == 0) {
    f.busy = out.stats.busy_fraction();
    f.overhead_ms = 1000 * out.stats.coordinator_s / std::max(1, out.trials);
    f.wall_s = out.stats.wall_s;
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  dist::Environment mpi(&argc, &argv);
  const dist::Comm world = dist::Comm::world();
  log::setup(world.rank(), /*quiet=*/true);
  std::filesystem::path data;
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--data") == 0) data = argv[i + 1];
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
  }
  if (world.size() != 3 && world.rank() == 0)
    std::fprintf(stderr, "note: meant for mpiexec -n 3 (2 groups); running on %d ranks\n", world.size());
  const int groups = world.size() == 1 ? 1 : world.size() - 1;
  const std::filesystem::path scratch = std::filesystem::temp_directory_path() / "genre-bench-search";

  struct Case {
    const char* name;
    std::string spec;
    RunnerFactory runner;
  };
  std::vector<Case> cases = {
      {"objective",
       "method: random\nmax_trials: 12\nseed: 1\nbase: {train: {epochs: 10}, objective: {epoch_s: 0.2}}\n"
       "parameters:\n  objective.quality: {min: 0.1, max: 0.9}\n",
       [] { return std::make_unique<ObjectiveRunner>(nullptr); }},
      // The same sweep proposed by TPE (4 random start-up trials, then the
      // model; constant liar on the running trial of the other group): the
      // suggestion thread keeps its cost out of the groups' way.
      {"tpe",
       "method: tpe\nmax_trials: 12\nseed: 1\ntpe: {n_startup_trials: 4}\n"
       "base: {train: {epochs: 10}, objective: {epoch_s: 0.2}}\n"
       "parameters:\n  objective.quality: {min: 0.1, max: 0.9}\n  objective.rate: {min: 0.1, max: 0.9}\n",
       [] { return std::make_unique<ObjectiveRunner>(nullptr); }}};
  if (!data.empty()) {
    cases.push_back(
        {"trainer",
         "method: random\nmax_trials: 12\nseed: 1\nbase:\n  model: {name: cnn, filters: [16, 16, 16], dense: 32}\n"
         "  data: {batch_size: 32}\n  train: {epochs: 6, seed: 1, threads: 1}\nparameters:\n"
         "  optim.lr: {distribution: log_uniform_values, min: 0.0003, max: 0.003}\n"
         "  model.dropout: {values: [0.2, 0.3, 0.4]}\n",
         [&] { return std::make_unique<TrainRunner>(data, NodePlacement{world.rank(), world.size()}, nullptr); }});
  }
  if (data.empty()) {
    // The objective reads no data, but the option must name an existing file
    // (run_once empties each case's own folder, so it lives beside them).
    data = scratch / "no-data";
    if (world.rank() == 0) {
      std::filesystem::create_directories(scratch);
      std::ofstream(data) << "the sleeping objective reads no data\n";
    }
    world.barrier();
  }

  if (world.rank() == 0)
    std::printf("%-10s %6s %6s %8s %14s %22s\n", "sweep", "groups", "trials", "wall_s", "busy_fraction",
                "coordinator_ms/trial");
  for (const auto& c : cases) {
    std::vector<double> busy, overhead, wall;
    for (int r = 0; r < runs; ++r) {
      const Figures f = run_once(world, scratch / c.name, c.spec, data, c.runner);
      busy.push_back(f.busy);
      overhead.push_back(f.overhead_ms);
      wall.push_back(f.wall_s);
    }
    if (world.rank() == 0)
      std::printf("%-10s %6d %6d %8.2f %14.3f %22.2f\n", c.name, groups, 12, median(wall), median(busy), median(overhead));
  }
  if (world.rank() == 0) std::filesystem::remove_all(scratch);
  return 0;
}
