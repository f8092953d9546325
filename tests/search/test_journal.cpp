// The journal file: appended and fsync'ed per event, read back tolerating the
// torn last line a crash can leave, replayed into a SweepState.
#include <gtest/gtest.h>

#include "common/error.h"
#include "search/events.h"
#include "search/journal.h"
#include "search/sweep_state.h"
#include "support/test_support.h"

using namespace genre;
using namespace genre::search;

TEST(Journal, AppendsAndReadsBack) {
  genre::test::TempDir d;
  const auto file = d / "journal.jsonl";
  EXPECT_TRUE(read_journal(file).events.empty()) << "a missing journal reads as empty";
  {
    JournalWriter w(file);
    w.append({{"event", "sweep_started"}, {"name", "a"}});
    w.append({{"event", "trial_started"}, {"trial", 0}, {"params", {{"x", 1}}}, {"config", {{"x", 1}}}});
    w.close();
  }
  {
    JournalWriter w(file);  // appends to what is there
    w.append({{"event", "epoch"}, {"trial", 0}, {"epoch", 1}, {"metrics", {{"m", 0.5}}}});
  }
  const auto c = read_journal(file);
  ASSERT_EQ(c.events.size(), 3u);
  EXPECT_EQ(c.events[0]["name"], "a");
  EXPECT_EQ(c.events[2]["metrics"]["m"], 0.5);
  EXPECT_FALSE(c.torn_tail);
  EXPECT_EQ(genre::test::read_file(file).back(), '\n');
}

TEST(Journal, ATornLastLineIsSkippedThenCutOffBeforeAppending) {
  genre::test::TempDir d;
  const auto file = d / "journal.jsonl";
  const std::string good = "{\"event\":\"sweep_started\"}\n{\"event\":\"trial_started\",\"trial\":0,\"params\":{},\"config\":{}}\n";
  for (const std::string& tail : {std::string("{\"event\":\"epo"), std::string("{\"event\":\"epo\n")}) {
    genre::test::write_file(file, good + tail);
    auto c = read_journal(file);
    EXPECT_EQ(c.events.size(), 2u);
    EXPECT_TRUE(c.torn_tail);
    EXPECT_EQ(c.complete_bytes, good.size());
    {
      JournalWriter w(file);
      w.append({{"event", "epoch"}, {"trial", 0}, {"epoch", 1}, {"metrics", nlohmann::json::object()}});
    }
    c = read_journal(file);
    ASSERT_EQ(c.events.size(), 3u);
    EXPECT_FALSE(c.torn_tail);
    EXPECT_EQ(c.events[2]["event"], "epoch");
  }
}

TEST(Journal, ABadLineInTheMiddleIsAnErrorNamingTheLine) {
  genre::test::TempDir d;
  const auto file = d / "journal.jsonl";
  genre::test::write_file(file, "{\"event\":\"sweep_started\"}\nnot json\n{\"event\":\"sweep_ended\"}\n");
  try {
    read_journal(file);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("journal.jsonl:2: not a journal event"), std::string::npos) << e.what();
  }
}

TEST(SweepState, FoldsTrialsAttemptsAndEnds) {
  std::vector<nlohmann::json> ev = {
      {{"event", "sweep_started"}, {"time", 0}, {"metric", "val_loss"}, {"goal", "minimize"}},
      {{"event", "trial_started"}, {"time", 1}, {"trial", 0}, {"attempt", 1}, {"params", {{"a", 1}}}, {"config", {{"a", 1}}}},
      {{"event", "trial_started"}, {"time", 2}, {"trial", 1}, {"attempt", 1}, {"params", {{"a", 2}}}, {"config", {{"a", 2}}}},
      {{"event", "epoch"}, {"time", 3}, {"trial", 0}, {"epoch", 1}, {"metrics", {{"val_loss", 0.9}}}},
      {{"event", "epoch"}, {"time", 5}, {"trial", 0}, {"epoch", 2}, {"metrics", {{"val_loss", 0.8}}}},
      {{"event", "trial_failed"}, {"time", 6}, {"trial", 1}, {"reason", "boom"}, {"epochs", 0}},
      {{"event", "sweep_started"}, {"time", 10}, {"metric", "val_loss"}, {"goal", "minimize"}, {"resumed", true}},
      {{"event", "trial_started"}, {"time", 11}, {"trial", 0}, {"attempt", 2}, {"params", {{"a", 1}}}, {"config", {{"a", 1}}}},
      {{"event", "epoch"}, {"time", 12}, {"trial", 0}, {"epoch", 2}, {"metrics", {{"val_loss", 0.7}}}},
      {{"event", "trial_finished"}, {"time", 14}, {"trial", 0}, {"epochs", 2}, {"final", {{"test_loss", 0.75}}}},
      {{"event", "something_new"}, {"time", 15}},
      {{"event", "sweep_ended"}, {"time", 16}, {"status", "complete"}},
  };
  const SweepState s = replay(ev);
  EXPECT_EQ(s.runs, 2);
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.metric(), "val_loss");
  EXPECT_FALSE(s.maximize());
  EXPECT_EQ(s.test_metric(), "test_loss");
  ASSERT_EQ(s.trials.size(), 2u);
  const auto& t0 = s.trials[0];
  EXPECT_EQ(t0.status, TrialStatus::kFinished);
  EXPECT_EQ(t0.attempts, 2);
  EXPECT_EQ(t0.epochs.size(), 2u);
  EXPECT_EQ(t0.epochs.at(2)["val_loss"], 0.7) << "a repeated epoch replaces the earlier report";
  EXPECT_DOUBLE_EQ(t0.wall_s, (5 - 1) + (14 - 11));
  EXPECT_EQ(t0.final_metrics["test_loss"], 0.75);
  EXPECT_EQ(s.trials[1].status, TrialStatus::kFailed);
  EXPECT_EQ(s.trials[1].reason, "boom");
}

TEST(SweepState, ContradictionsAreErrors) {
  const nlohmann::json started = {{"event", "sweep_started"}};
  EXPECT_THROW(replay({started, {{"event", "epoch"}, {"trial", 0}, {"epoch", 1}}}), Error);
  EXPECT_THROW(replay({started, {{"event", "trial_started"}, {"trial", 3}, {"params", {}}, {"config", {}}}}), Error);
  EXPECT_THROW(replay({started,
                       {{"event", "trial_started"}, {"trial", 0}, {"params", {}}, {"config", {}}},
                       {{"event", "trial_failed"}, {"trial", 0}, {"reason", "x"}},
                       {{"event", "trial_started"}, {"trial", 0}, {"params", {}}, {"config", {}}}}),
               Error)
      << "an ended trial never restarts";
}
