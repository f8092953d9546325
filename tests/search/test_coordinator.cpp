// The coordinator's decisions, driven in-process by virtual groups
// (sweep_driver.h) whose epochs are the deterministic objective's.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/error.h"
#include "search/events.h"
#include "search/journal.h"
#include "search/leaderboard.h"
#include "search/objective_runner.h"
#include "support/test_support.h"
#include "run_folder.h"
#include "sweep_driver.h"

using namespace genre;
using namespace genre::search;
using genre::search::test::board;
using genre::search::test::of_kind;
using genre::search::test::VirtualSweep;

namespace {

SweepSpec spec_of(const std::string& yaml) {
  SweepSpec s = parse_spec_text(yaml, "spec.yaml", ".");
  s.name = "t";
  s.validate();
  return s;
}

std::vector<nlohmann::json> journal_of(const std::filesystem::path& run) {
  return read_journal(run / "journal.jsonl").events;
}

const char* const kRandom = R"(
method: random
max_trials: 9
seed: 3
base: {train: {epochs: 4}, objective: {rate: 0.5}}
parameters:
  objective.quality: {distribution: uniform, min: 0.2, max: 0.9}
  objective.rate: {values: [0.3, 0.6]}
)";

}  // namespace

TEST(Coordinator, RunsEveryTrialOnceAcrossGroups) {
  genre::test::TempDir d;
  const SweepSpec spec = spec_of(kRandom);
  Coordinator c(spec, d.path(), {});
  c.start(3);
  VirtualSweep v;
  ASSERT_TRUE(v.drive(c, 3));
  EXPECT_FALSE(c.interrupted());
  EXPECT_EQ(v.runs.size(), 9u);
  for (const auto& [trial, n] : v.runs) EXPECT_EQ(n, 1) << trial;
  EXPECT_EQ(v.epochs_trained, 9 * 4);

  const auto events = journal_of(d.path());
  EXPECT_EQ(events.front()["event"], "sweep_started");
  EXPECT_EQ(events.back()["event"], "sweep_ended");
  EXPECT_EQ(events.back()["status"], "complete");
  EXPECT_EQ(of_kind(events, "trial_started").size(), 9u);
  EXPECT_EQ(of_kind(events, "trial_finished").size(), 9u);
  EXPECT_EQ(of_kind(events, "epoch").size(), 36u);
  std::set<int> groups;
  for (const auto& e : of_kind(events, "trial_started")) groups.insert(e["group"].get<int>());
  EXPECT_EQ(groups.size(), 3u);
  // Every trial folder exists, and every trial's journaled config is the
  // spec's base with its parameters.
  for (const auto& e : of_kind(events, "trial_started")) {
    EXPECT_EQ(e["config"], spec.trial_config(e["params"]));
    char name[8];
    std::snprintf(name, sizeof name, "%04d", e["trial"].get<int>());
    EXPECT_TRUE(std::filesystem::is_directory(d.path() / "trials" / name));
  }
  // The leaderboard is the objective's ranking: best value at the last epoch.
  const SweepState s = load_sweep(d.path());
  const Leaderboard lb = make_leaderboard(s);
  for (std::size_t i = 1; i < lb.rows.size(); ++i) EXPECT_GE(*lb.rows[i - 1].value, *lb.rows[i].value);
  for (const auto& r : lb.rows) EXPECT_DOUBLE_EQ(*r.value, ObjectiveRunner::value(r.trial.config, 4));
}

TEST(Coordinator, FailedTrialsAreJournaledWithTheReasonAndTheSweepGoesOn) {
  genre::test::TempDir d;
  const SweepSpec spec = spec_of(R"(
method: grid
base: {train: {epochs: 3}}
parameters:
  objective.quality: {values: [0.5, 0.6, 0.7, 0.8]}
  objective.fail_at_epoch: {values: [0, 2]}
)");
  Coordinator c(spec, d.path(), {});
  c.start(2);
  VirtualSweep v;
  ASSERT_TRUE(v.drive(c, 2));
  const auto events = journal_of(d.path());
  const auto failed = of_kind(events, "trial_failed");
  ASSERT_EQ(failed.size(), 4u);
  for (const auto& e : failed) {
    EXPECT_EQ(e["reason"], "objective: failing in epoch 2 as configured");
    EXPECT_EQ(e["trial"].get<int>() % 2, 1) << "the grid's odd trials fail";
  }
  EXPECT_EQ(of_kind(events, "trial_finished").size(), 4u);
  const Leaderboard lb = make_leaderboard(load_sweep(d.path()));
  EXPECT_EQ(lb.count("failed"), 4u);
  EXPECT_EQ(lb.rows.back().status, "failed");
  EXPECT_EQ(lb.best()->trial.params["objective.quality"], 0.8);
}

TEST(Coordinator, AshaPrunesTheClearlyWorseConfigs) {
  genre::test::TempDir d;
  // Good configs first: every bad one reaches the first rung after a good one has.
  const SweepSpec spec = spec_of(R"(
method: grid
early_terminate: {type: asha, min_epochs: 1, eta: 2, max_epochs: 8}
parameters:
  objective.quality: {values: [0.9, 0.85, 0.1, 0.12, 0.11, 0.1, 0.13, 0.1]}
)");
  Coordinator c(spec, d.path(), {});
  c.start(2);
  VirtualSweep v;
  ASSERT_TRUE(v.drive(c, 2));
  const auto events = journal_of(d.path());
  std::map<int, int> pruned_at;
  for (const auto& e : of_kind(events, "trial_pruned")) pruned_at[e["trial"].get<int>()] = e["epoch"].get<int>();
  // Every clearly worse trial stops at a rung (the first or, when it
  // happens to be in the top half of a rung full of bad ones, the next).
  for (int bad = 2; bad < 8; ++bad) {
    ASSERT_TRUE(pruned_at.count(bad)) << "trial " << bad;
    EXPECT_LE(pruned_at[bad], 2) << "trial " << bad;
  }
  // Trial 1 (0.85) meets trial 0 (0.9) at the first rung with n = 2: only
  // the best of two continues. Only the best trains to the end.
  EXPECT_EQ(pruned_at.count(0), 0u);
  EXPECT_EQ(pruned_at[1], 1);
  ASSERT_EQ(of_kind(events, "trial_finished").size(), 1u);
  EXPECT_EQ(of_kind(events, "trial_finished")[0]["trial"], 0);
  const Leaderboard lb = make_leaderboard(load_sweep(d.path()));
  EXPECT_EQ(lb.best()->trial.id, 0);
  EXPECT_EQ(lb.best()->epochs, 8) << "the best trial trains max_epochs";
  EXPECT_LT(v.epochs_trained, 8 * 8) << "pruning saves epochs";
  for (const auto& e : of_kind(events, "trial_started")) EXPECT_EQ(e["config"]["train"]["epochs"], 8);
}

TEST(Coordinator, KilledAndResumedEndsWithTheSameLeaderboardAndRerunsNothingFinished) {
  genre::test::TempDir d;
  const SweepSpec spec = spec_of(kRandom);
  {
    Coordinator c(spec, d / "clean", {});
    c.start(2);
    VirtualSweep v;
    ASSERT_TRUE(v.drive(c, 2));
  }
  for (long kill_at : {1L, 7L, 20L, 33L}) {
    const auto run = d / ("killed" + std::to_string(kill_at));
    VirtualSweep v;  // its checkpoints outlive the "process"
    {
      Coordinator c(spec, run, {});
      c.start(2);
      ASSERT_FALSE(v.drive(c, 2, kill_at)) << "killed mid-sweep";
    }
    const SweepState before = load_sweep(run);
    std::set<int> ended, running;
    for (const auto& t : before.trials) (t.terminal() ? ended : running).insert(t.id);
    v.runs.clear();
    Coordinator resumed(spec, run, journal_of(run));
    resumed.start(2);
    ASSERT_TRUE(v.drive(resumed, 2));
    for (int t : ended) EXPECT_EQ(v.runs.count(t), 0u) << "trial " << t << " had ended and must not run again";
    for (int t : running) EXPECT_EQ(v.runs[t], 1) << "trial " << t << " was running and restarts once";
    const SweepState after = load_sweep(run);
    for (int t : running) EXPECT_EQ(after.trials[static_cast<std::size_t>(t)].attempts, 2);
    EXPECT_EQ(after.runs, 2);
    EXPECT_EQ(board(run), board(d / "clean")) << "killed after " << kill_at << " ticks";
  }
}

TEST(Coordinator, ResumeRefusesASpecThatNoLongerMatchesTheJournal) {
  genre::test::TempDir d;
  const SweepSpec spec = spec_of(kRandom);
  {
    Coordinator c(spec, d.path(), {});
    c.start(1);
    VirtualSweep v;
    v.drive(c, 1, 10);
  }
  SweepSpec reseeded = spec;
  reseeded.seed = 4;
  try {
    Coordinator c(reseeded, d.path(), journal_of(d.path()));
    FAIL() << "a different seed proposes different trials";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("trial 0 was started with"), std::string::npos) << e.what();
  }
  SweepSpec fewer = spec;
  fewer.max_trials = 1;
  EXPECT_THROW(Coordinator(fewer, d.path(), journal_of(d.path())), UsageError);
  SweepSpec other_metric = spec;
  other_metric.metric = {"val_loss", Goal::kMinimize};
  EXPECT_THROW(Coordinator(other_metric, d.path(), journal_of(d.path())), UsageError);
  SweepSpec more = spec;
  more.max_trials = 12;  // extending a sweep is fine: its first nine are the same
  EXPECT_NO_THROW(Coordinator(more, d.path(), journal_of(d.path())));
}

TEST(Coordinator, InterruptStartsNothingNewAndLeavesRunningTrialsToResume) {
  genre::test::TempDir d;
  const SweepSpec spec = spec_of(kRandom);
  Coordinator c(spec, d.path(), {});
  c.start(2);
  const auto a = c.next(0);
  const auto b = c.next(1);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(c.epoch(0, a->trial, {1, {{"val_track_accuracy", 0.3}, {"train_loss", 0.5}}, 1}), Verdict::kContinue);
  c.interrupt();
  EXPECT_FALSE(c.next(0).has_value()) << "nothing new starts";
  EXPECT_EQ(c.epoch(1, b->trial, {1, {{"val_track_accuracy", 0.3}, {"train_loss", 0.5}}, 1}), Verdict::kInterrupt);
  TrialEnd interrupted;
  interrupted.kind = TrialEnd::Kind::kInterrupted;
  c.end(0, a->trial, interrupted);
  c.end(1, b->trial, interrupted);
  c.close();
  const auto events = journal_of(d.path());
  EXPECT_EQ(events.back()["status"], "interrupted");
  const SweepState s = load_sweep(d.path());
  ASSERT_EQ(s.trials.size(), 2u);
  for (const auto& t : s.trials) EXPECT_EQ(t.status, TrialStatus::kRunning) << "they restart on --resume";
  Coordinator resumed(spec, d.path(), events);
  resumed.start(2);
  const auto again = resumed.next(1);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->trial, 0);
  EXPECT_EQ(again->attempt, 2);
}

// A report for a trial the group is not running is refused before it reaches
// the journal, which stays replayable.
TEST(Coordinator, RefusesAnEpochOfATrialTheGroupIsNotRunning) {
  genre::test::TempDir d;
  Coordinator c(spec_of(kRandom), d.path(), {});
  c.start(2);
  const auto a = c.next(0);
  ASSERT_TRUE(a);
  EpochReport r;
  r.epoch = 1;
  r.metrics = {{"val_accuracy", 0.5}};
  EXPECT_EQ(c.epoch(1, a->trial, r), Verdict::kStop);       // another group
  EXPECT_EQ(c.epoch(0, a->trial + 7, r), Verdict::kStop);   // no such trial
  EXPECT_EQ(of_kind(journal_of(d.path()), events::kEpoch).size(), 0u);
  EXPECT_EQ(c.epoch(0, a->trial, r), Verdict::kContinue);
  EXPECT_EQ(of_kind(journal_of(d.path()), events::kEpoch).size(), 1u);
  c.close();
  EXPECT_NO_THROW(replay(journal_of(d.path())));
}

// Issue #13.7: a trial whose end never reached the journal is restarted by
// --resume; when its attempts keep coming back with nothing (no new epoch, no
// end) it is restarted at most kMaxLostResults times in a row, then journaled
// failed with the reason, and no run calls the sweep complete meanwhile.
TEST(Coordinator, ATrialThatKeepsLosingItsResultIsFailedAfterABoundedNumberOfRestarts) {
  genre::test::TempDir d;
  const SweepSpec spec = spec_of("method: grid\nbase: {train: {epochs: 2}}\nparameters: {objective.quality: {values: [0.5]}}\n");
  const nlohmann::json metrics = {{"val_track_accuracy", 0.3}, {"train_loss", 0.5}};
  {
    Coordinator c(spec, d.path(), {});
    c.start(1);
    const auto a = c.next(0);
    ASSERT_TRUE(a);
    c.epoch(0, a->trial, {1, metrics, 1});
    c.epoch(0, a->trial, {2, metrics, 1});
    // Killed here: the trial's end never reaches the journal.
  }
  for (int attempt = 2; attempt <= 1 + Coordinator::kMaxLostResults; ++attempt) {
    Coordinator c(spec, d.path(), journal_of(d.path()));
    c.start(1);
    const auto a = c.next(0);
    ASSERT_TRUE(a) << "attempt " << attempt << " restarts it";
    EXPECT_EQ(a->attempt, attempt);
    // It reports its last epoch again (no progress) and ends without a result.
    c.epoch(0, a->trial, {2, metrics, 1});
    TrialEnd nothing;
    nothing.kind = TrialEnd::Kind::kInterrupted;
    c.end(0, a->trial, nothing);
    EXPECT_FALSE(c.complete());
    c.close();
    EXPECT_EQ(journal_of(d.path()).back()["status"], "interrupted") << "never complete while a trial has no result";
    EXPECT_EQ(load_sweep(d.path()).trials[0].lost_results(), attempt - 1);
  }
  Coordinator c(spec, d.path(), journal_of(d.path()));
  c.start(1);
  EXPECT_FALSE(c.next(0).has_value()) << "not restarted again";
  c.close();
  const SweepState s = load_sweep(d.path());
  ASSERT_EQ(s.trials.size(), 1u);
  EXPECT_EQ(s.trials[0].status, TrialStatus::kFailed);
  EXPECT_EQ(s.trials[0].reason.rfind("lost its result 3 times", 0), 0u) << s.trials[0].reason;
  EXPECT_TRUE(s.complete);
}

// An attempt that makes progress resets the count: a long trial interrupted
// by time limits again and again is never called lost.
TEST(Coordinator, AttemptsThatMakeProgressNeverCountAsLost) {
  genre::test::TempDir d;
  const SweepSpec spec = spec_of("method: grid\nbase: {train: {epochs: 9}}\nparameters: {objective.quality: {values: [0.5]}}\n");
  const nlohmann::json metrics = {{"val_track_accuracy", 0.3}, {"train_loss", 0.5}};
  for (int attempt = 1; attempt <= 2 * Coordinator::kMaxLostResults; ++attempt) {
    Coordinator c(spec, d.path(), journal_of(d.path()));
    c.start(1);
    const auto a = c.next(0);
    ASSERT_TRUE(a) << attempt;
    c.epoch(0, a->trial, {attempt, metrics, 1});
    c.interrupt();
    TrialEnd cut;
    cut.kind = TrialEnd::Kind::kInterrupted;
    c.end(0, a->trial, cut);
    c.close();
    EXPECT_EQ(load_sweep(d.path()).trials[0].lost_results(), 0);
  }
}

// Issue #15.5: a group that lost a rank is retired by the transport; its trial
// is journaled trial_lost with the reason and restarts (from its checkpoint,
// attempt + 1) on the next group that asks; after kMaxLostResults losses in a
// row it is journaled failed, naming the last reason.
TEST(Coordinator, ATrialThatLosesItsGroupRestartsElsewhereUntilTheBound) {
  genre::test::TempDir d;
  const SweepSpec spec =
      spec_of("method: grid\nbase: {train: {epochs: 2}}\nparameters: {objective.quality: {values: [0.5, 0.6]}}\n");
  Coordinator c(spec, d.path(), {});
  c.start(4);
  const auto a = c.next(0);
  const auto b = c.next(1);
  ASSERT_TRUE(a && b);
  c.epoch(0, a->trial, {1, {{"val_track_accuracy", 0.3}, {"train_loss", 0.5}}, 1});
  for (int group = 0; group < Coordinator::kMaxLostResults; ++group) {
    if (group > 0) {
      const auto again = c.next(group + 1);  // groups 2, 3 (group 1 still runs the other trial)
      ASSERT_TRUE(again);
      EXPECT_EQ(again->trial, a->trial);
      EXPECT_EQ(again->attempt, group + 1);
    }
    c.group_lost(group == 0 ? 0 : group + 1, a->trial, "rank " + std::to_string(group) + ": no answer from a peer");
    EXPECT_FALSE(c.complete());
  }
  c.end(1, b->trial, TrialEnd{});
  EXPECT_TRUE(c.unresolved().empty());
  EXPECT_FALSE(c.next(1).has_value()) << "nothing left to start";
  EXPECT_TRUE(c.complete());
  c.close();
  const auto events = journal_of(d.path());
  const auto lost = of_kind(events, events::kTrialLost);
  ASSERT_EQ(lost.size(), 3u);
  EXPECT_EQ(lost[0]["group"], 0);
  EXPECT_EQ(lost[0]["reason"], "rank 0: no answer from a peer");
  const SweepState s = load_sweep(d.path());
  EXPECT_EQ(s.trials[static_cast<std::size_t>(a->trial)].status, TrialStatus::kFailed);
  EXPECT_EQ(s.trials[static_cast<std::size_t>(a->trial)].reason,
            "lost its group 3 times in a row, the last: rank 2: no answer from a peer");
  EXPECT_EQ(s.trials[static_cast<std::size_t>(b->trial)].status, TrialStatus::kFinished);
}

// A lost group's trial that no group is left to take is unresolved (the
// sweep is not complete; --resume restarts it), and the loss counts as a lost
// result on replay even though the attempt had made progress.
TEST(Coordinator, ALostTrialNoGroupTookIsLeftToResume) {
  genre::test::TempDir d;
  const SweepSpec spec = spec_of("method: grid\nbase: {train: {epochs: 2}}\nparameters: {objective.quality: {values: [0.5]}}\n");
  Coordinator c(spec, d.path(), {});
  c.start(2);
  const auto a = c.next(0);
  ASSERT_TRUE(a);
  c.epoch(0, a->trial, {1, {{"val_track_accuracy", 0.3}, {"train_loss", 0.5}}, 1});
  c.group_lost(0, a->trial, "silent");
  EXPECT_EQ(c.unresolved(), std::vector<int>{a->trial});
  EXPECT_FALSE(c.complete());
  c.close();
  EXPECT_EQ(load_sweep(d.path()).trials[0].lost_results(), 1);
  Coordinator resumed(spec, d.path(), journal_of(d.path()));
  resumed.start(2);
  const auto again = resumed.next(1);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempt, 2);
}
