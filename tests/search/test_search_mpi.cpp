// run_search under real mpiexec ranks (-n 1, 3 and 5; ranks_per_trial 2 with
// 5) with the deterministic objective in place of the trainer: the MPI
// transport, the groups, failures, interruption and resume. Rank 0 checks the
// journal and the leaderboard; every rank must return alike.
#include <gtest/gtest.h>
#include <mpi.h>

#include <atomic>
#include <map>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "dist/mpi.h"
#include "search/journal.h"
#include "search/leaderboard.h"
#include "search/objective_runner.h"
#include "search/sweep.h"
#include "run_folder.h"
#include "support/test_support.h"

using namespace genre;
using namespace genre::search;
using genre::search::test::board;
using genre::search::test::of_kind;

namespace {

const dist::Comm& world() {
  static const dist::Comm w = dist::Comm::world();
  return w;
}
bool root() { return world().rank() == 0; }
int ranks_per_trial() { return world().size() == 5 ? 2 : 1; }
int groups() { return world().size() == 1 ? 1 : (world().size() - 1) / ranks_per_trial(); }

// A scratch folder made by rank 0, its path known to every rank.
class SharedDir {
 public:
  SharedDir() : path_(world().broadcast(root() ? dir_.path().string() : "", 0)) {}
  // Rank 0 removes the folder only once every rank has left the test (#13.17).
  // No collective pins a rank there otherwise: a request refused with a
  // UsageError ends with rank 0's broadcast, which rank 0 leaves at once, so
  // rank 0 could end the test and remove the folder while a slower rank was
  // still about to use it (the last sweep of BadRequests...: "cannot write
  // .../dataset.json" thrown on rank 4, which then missed the sweep's
  // collectives; found under load, ~1 run in 40).
  ~SharedDir() { world().barrier(); }
  std::filesystem::path operator/(const std::string& s) const { return path_ / s; }

 private:
  genre::test::TempDir dir_;  // removed by each rank; only rank 0's is used
  std::filesystem::path path_;
};

struct SweepRun {
  SearchOutcome outcome;
  std::string error;  // a UsageError's message
};

// Writes the spec (rank 0) and runs the sweep on every rank.
SweepRun sweep(const SharedDir& d, const std::string& name, const std::string& spec, bool resume = false,
          std::function<bool()> stop = nullptr) {
  if (root()) genre::test::write_file(d / (name + ".yaml"), spec + "ranks_per_trial: " + std::to_string(ranks_per_trial()) + "\n");
  // The objective reads no data; the option must name a file, which rank 0
  // alone reads (its hash goes into the journal): only rank 0 writes it.
  if (root()) genre::test::write_file(d / "dataset.json", "{}");
  SearchOptions o;
  o.spec = d / (name + ".yaml");
  o.data = d / "dataset.json";
  o.out = d / name;
  o.resume = resume;
  SweepRun r;
  try {
    r.outcome = run_search(o, world(), [] { return std::make_unique<ObjectiveRunner>(nullptr); }, stop, nullptr);
  } catch (const UsageError& e) {
    r.error = e.what();
  }
  return r;
}

const char* const kRandom = R"(
method: random
max_trials: 8
seed: 11
base: {train: {epochs: 3}, objective: {epoch_s: 0.01}}
parameters:
  objective.quality: {distribution: uniform, min: 0.1, max: 0.9}
  objective.rate: {values: [0.3, 0.6]}
)";

}  // namespace

TEST(SearchMpi, EveryTrialRunsOnceAcrossTheGroups) {
  SharedDir d;
  const SweepRun r = sweep(d, "random", kRandom);
  ASSERT_EQ(r.error, "");
  EXPECT_FALSE(r.outcome.interrupted);
  if (!root()) return;
  EXPECT_EQ(r.outcome.trials, 8);
  ASSERT_EQ(r.outcome.stats.busy_s.size(), static_cast<std::size_t>(groups()));
  const auto started = of_kind(d / "random", "trial_started");
  ASSERT_EQ(started.size(), 8u);
  std::set<int> ids, used_groups;
  for (const auto& e : started) {
    ids.insert(e["trial"].get<int>());
    used_groups.insert(e["group"].get<int>());
    EXPECT_EQ(e["attempt"], 1);
  }
  EXPECT_EQ(ids.size(), 8u);
  EXPECT_EQ(used_groups.size(), static_cast<std::size_t>(groups())) << "every group trained";
  EXPECT_EQ(of_kind(d / "random", "trial_finished").size(), 8u);
  EXPECT_EQ(of_kind(d / "random", "epoch").size(), 24u);
  const SweepState s = load_sweep(d / "random");
  const Leaderboard lb = make_leaderboard(s);
  for (const auto& row : lb.rows) {
    EXPECT_DOUBLE_EQ(*row.value, ObjectiveRunner::value(row.trial.config, 3));
    EXPECT_DOUBLE_EQ(*row.test, 0.98 * *row.value);
  }
  for (const char* f : {"leaderboard.csv", "leaderboard.md", "report.html", "best.yaml", "sweep.yaml"})
    EXPECT_TRUE(std::filesystem::exists(d / "random" / f)) << f;
  // The objective wrote its checkpoint in each trial folder (group rank 0).
  EXPECT_TRUE(std::filesystem::exists(d / "random" / "trials" / "0007" / "objective_state.json"));
}

// Groups never wait for each other: while one group trains a long trial,
// the others start and finish every short one.
TEST(SearchMpi, GroupsDoNotWaitForEachOther) {
  if (groups() < 2) GTEST_SKIP() << "needs two groups";
  SharedDir d;
  const SweepRun r = sweep(d, "skewed", R"(
method: grid
base: {train: {epochs: 4}, objective: {quality: 0.5}}
parameters:
  objective.epoch_s: {values: [0.5, 0.01, 0.01, 0.01, 0.01, 0.01]}
)");
  ASSERT_EQ(r.error, "");
  if (!root()) return;
  // Trial 0 (2 s) went to one group; all five short trials started and ended
  // on the other group before trial 0 ended.
  const auto events = read_journal(d / "skewed" / "journal.jsonl").events;
  int long_group = -1;
  std::size_t long_end = 0;
  std::map<int, int> group_of;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e["event"] == "trial_started") group_of[e["trial"].get<int>()] = e["group"].get<int>();
    if (e["event"] == "trial_started" && e["trial"] == 0) long_group = e["group"].get<int>();
    if (e["event"] == "trial_finished" && e["trial"] == 0) long_end = i;
  }
  ASSERT_GE(long_group, 0);
  ASSERT_GT(long_end, 0u);
  int short_done_meanwhile = 0;
  for (std::size_t i = 0; i < long_end; ++i)
    if (events[i]["event"] == "trial_finished" && events[i]["trial"] != 0) {
      ++short_done_meanwhile;
      EXPECT_NE(group_of.at(events[i]["trial"].get<int>()), long_group);
    }
  EXPECT_EQ(short_done_meanwhile, 5) << "the short trials waited for the long one";
}

TEST(SearchMpi, FailingTrialsAreJournaledWithTheReasonAndTheSweepGoesOn) {
  SharedDir d;
  const SweepRun r = sweep(d, "failing", R"(
method: grid
base: {train: {epochs: 3}}
parameters:
  objective.quality: {values: [0.4, 0.8]}
  objective.fail_at_epoch: {values: [0, 2]}
  objective.nan_at_epoch: {values: [0, 1]}
  objective.oom_at_epoch: {values: [0, 3]}
)");
  ASSERT_EQ(r.error, "");
  if (!root()) return;
  std::map<int, std::string> reasons;
  for (const auto& e : of_kind(d / "failing", "trial_failed")) reasons[e["trial"].get<int>()] = e["reason"];
  // Grid order: quality, fail_at, nan_at, oom_at (the last fastest); the
  // earliest failure of a trial is its reason.
  EXPECT_EQ(reasons.size(), 14u);
  for (int q : {0, 8}) {
    EXPECT_EQ(reasons.count(q), 0u) << "trial " << q << " trains";
    EXPECT_EQ(reasons[q + 1], "out of memory (std::bad_alloc)");
    for (int t : {q + 2, q + 3, q + 6, q + 7}) EXPECT_EQ(reasons[t], "train_loss is NaN or infinite at epoch 1") << t;
    for (int t : {q + 4, q + 5}) EXPECT_EQ(reasons[t], "objective: failing in epoch 2 as configured") << t;
  }
  EXPECT_EQ(of_kind(d / "failing", "trial_finished").size(), 2u);
  const SweepState s = load_sweep(d / "failing");
  EXPECT_EQ(make_leaderboard(s).best()->trial.id, 8);
}

TEST(SearchMpi, AshaPrunesClearlyWorseConfigs) {
  SharedDir d;
  const SweepRun r = sweep(d, "asha", R"(
method: grid
early_terminate: {type: asha, min_epochs: 1, eta: 2, max_epochs: 6}
base: {objective: {epoch_s: 0.02}}
parameters:
  objective.quality: {values: [0.9, 0.14, 0.13, 0.12, 0.11, 0.1]}
)");
  ASSERT_EQ(r.error, "");
  if (!root()) return;
  std::set<int> pruned;
  for (const auto& e : of_kind(d / "asha", "trial_pruned")) pruned.insert(e["trial"].get<int>());
  // Whatever the groups' timing, the best is never pruned and trains to the
  // end. The bad ones get worse in the order they start, so each meets a
  // rung where those before it are better; only one that races the best (or
  // overtakes its predecessor on the other group) can pass. Distinct values:
  // a trial that ties the cut value continues (successive_halving.h), so
  // five equal bad trials would pass as often as their count allows.
  EXPECT_EQ(pruned.count(0), 0u);
  EXPECT_GE(pruned.size(), 4u);
  const SweepState s = load_sweep(d / "asha");
  const Leaderboard lb = make_leaderboard(s);
  EXPECT_EQ(lb.best()->trial.id, 0);
  EXPECT_EQ(lb.best()->epochs, 6);
}

TEST(SearchMpi, InterruptedThenResumedEndsLikeAnUninterruptedSweep) {
  SharedDir d;
  const std::string spec = std::string(kRandom);
  ASSERT_EQ(sweep(d, "clean", spec).error, "");
  // Rank 0 is told to stop once a few epochs are in (as SIGTERM would tell
  // it): the running trials checkpoint, nothing new starts.
  std::function<bool()> stop = [&] { return root() && of_kind(d / "cut", "epoch").size() >= 4; };
  const SweepRun cut = sweep(d, "cut", spec, false, stop);
  ASSERT_EQ(cut.error, "");
  EXPECT_TRUE(cut.outcome.interrupted) << "every rank knows the job was interrupted";
  std::size_t before = 0;
  if (root()) {
    EXPECT_EQ(of_kind(d / "cut", "sweep_ended").back()["status"], "interrupted");
    before = of_kind(d / "cut", "trial_finished").size();
    EXPECT_LT(before, 8u);
  }
  const SweepRun resumed = sweep(d, "cut", spec, true);
  ASSERT_EQ(resumed.error, "");
  EXPECT_FALSE(resumed.outcome.interrupted);
  if (!root()) return;
  EXPECT_EQ(board(d / "cut"), board(d / "clean"));
  // Nothing that had finished ran again.
  std::map<int, int> starts;
  for (const auto& e : of_kind(d / "cut", "trial_started")) ++starts[e["trial"].get<int>()];
  std::size_t restarted = 0;
  for (const auto& [t, n] : starts) restarted += n > 1;
  EXPECT_EQ(starts.size(), 8u);
  EXPECT_LE(restarted, static_cast<std::size_t>(groups()));
  for (const auto& e : of_kind(d / "cut", "trial_finished")) EXPECT_GE(e["epochs"].get<int>(), 3);
}

TEST(SearchMpi, BadRequestsFailOnEveryRankBeforeAnyWork) {
  SharedDir d;
  SweepRun r = sweep(d, "bad", "method: grid\nparameters: {objective.quality: {values: [2.0]}}\n");
  EXPECT_NE(r.error.find("trial 0 {\"objective.quality\":2.0}: objective.quality: must be in [0, 1]"), std::string::npos)
      << r.error;
  r = sweep(d, "bad", "method: grid\nmetric: {name: val_nothing}\nparameters: {objective.quality: {values: [0.5]}}\n");
  EXPECT_NE(r.error.find("metric.name: 'val_nothing' is not reported every epoch"), std::string::npos) << r.error;
  // More ranks per trial than the job has workers.
  if (root())
    genre::test::write_file(d / "rpt.yaml", "method: grid\nranks_per_trial: " + std::to_string(std::max(2, world().size())) +
                                                "\nparameters: {objective.quality: {values: [0.5]}}\n");
  SearchOptions o;
  o.spec = d / "rpt.yaml";
  o.data = d / "dataset.json";
  o.out = d / "rpt";
  std::string error;
  try {
    run_search(o, world(), [] { return std::make_unique<ObjectiveRunner>(nullptr); }, nullptr, nullptr);
  } catch (const UsageError& e) {
    error = e.what();
  }
  EXPECT_NE(error.find("ranks_per_trial: "), std::string::npos) << error;
  if (root()) {
    EXPECT_FALSE(std::filesystem::exists(d / "bad")) << "nothing is written before the checks pass";
  }
  // An existing journal without --resume.
  ASSERT_EQ(sweep(d, "twice", kRandom).error, "");
  EXPECT_NE(sweep(d, "twice", kRandom).error.find("pass --resume"), std::string::npos);
}

// The journal records the dataset and the spec (issue 13.6); --resume with
// others is refused on every rank before anything is written.
TEST(SearchMpi, ResumeRefusesAnotherDatasetOrAChangedSpec) {
  SharedDir d;
  ASSERT_EQ(sweep(d, "ident", kRandom).error, "");
  if (root()) {
    const auto started = of_kind(d / "ident", "sweep_started");
    ASSERT_EQ(started.size(), 1u);
    EXPECT_EQ(started[0]["data"]["path"], std::filesystem::absolute(d / "dataset.json").lexically_normal().string());
    EXPECT_TRUE(started[0].contains("spec_hash"));
    genre::test::write_file(d / "other.json", "{\"other\": true}");
  }
  SearchOptions o;
  o.spec = d / "ident.yaml";
  o.data = d / "other.json";
  o.out = d / "ident";
  o.resume = true;
  std::string error;
  world().barrier();
  try {
    run_search(o, world(), [] { return std::make_unique<ObjectiveRunner>(nullptr); }, nullptr, nullptr);
  } catch (const UsageError& e) {
    error = e.what();
  }
  EXPECT_NE(error.find("is not the dataset the sweep ran on"), std::string::npos) << error;
  EXPECT_NE(error.find("--allow-changed-data"), std::string::npos) << error;
  std::string more = kRandom;
  more.replace(more.find("max_trials: 8"), 13, "max_trials: 9");
  error = sweep(d, "ident", more, true).error;
  EXPECT_NE(error.find("the spec changed since the sweep started (max_trials)"), std::string::npos) << error;
  EXPECT_NE(error.find("--allow-changed-spec"), std::string::npos) << error;
  if (root()) {
    EXPECT_EQ(of_kind(d / "ident", "sweep_started").size(), 1u) << "the refused resumes journaled nothing";
  }
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  dist::Environment mpi(&argc, &argv);
  genre::log::setup(world().rank(), /*quiet=*/true);
  // Only rank 0 prints gtest's report; every rank runs every test, and the
  // others print their failures, so a failure on any rank is in the log.
  if (!root()) genre::test::print_only_failures_on_this_rank(world().rank());
  int failed = RUN_ALL_TESTS();
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return failed;
}
