// A full disk during a sweep (issue 13.3) on a real, small tmpfs: the
// journal, the durable writers and a trial's run folder raise
// EnvironmentError; the sweep stops at once with the trial that hit it still
// pending, and once there is room again --resume finishes every trial
// exactly once. Run alone (one rank): a worker rank that fails aborts the job
// in the CLI, which an in-process test cannot show.
#include <gtest/gtest.h>

#include <map>

#include "common/error.h"
#include "common/file_io.h"
#include "common/log.h"
#include "dist/mpi.h"
#include "search/journal.h"
#include "search/objective_runner.h"
#include "search/sweep.h"
#include "run_folder.h"
#include "support/test_support.h"
#include "tmpfs.h"

using namespace genre;
using namespace genre::search;
using genre::search::test::of_kind;
using genre::search::test::Tmpfs;

namespace {

const dist::Comm& world() {
  static const dist::Comm w = dist::Comm::world();
  return w;
}

#define SKIP_WITHOUT_TMPFS()                                                 \
  if (const std::string why = Tmpfs::unavailable(); !why.empty()) GTEST_SKIP() << why

// The kind and the one line a caller (the CLI) would see.
struct Caught {
  ErrorKind kind = ErrorKind::kOther;
  std::string line;
};
template <typename F>
Caught catch_of(F f) {
  try {
    f();
  } catch (const std::exception& e) {
    return {kind_of(e), describe(e)};
  }
  return {ErrorKind::kOther, "nothing thrown"};
}

// The objective, with the disk filled just before trial `fill_at` starts
// writing its folder.
class FillingRunner : public ObjectiveRunner {
 public:
  FillingRunner(Tmpfs& fs, int fill_at) : ObjectiveRunner(nullptr), fs_(fs), fill_at_(fill_at) {}
  TrialResult run(const TrialAssignment& trial, const dist::Comm& group, const EpochCallback& on_epoch) override {
    if (trial.trial == fill_at_) fs_.fill();
    return ObjectiveRunner::run(trial, group, on_epoch);
  }

 private:
  Tmpfs& fs_;
  int fill_at_;
};

}  // namespace

TEST(DiskFull, JournalAppendRaisesEnvironmentErrorAndLeavesNoTornLine) {
  SKIP_WITHOUT_TMPFS();
  Tmpfs fs(64 * 1024);
  const auto file = fs / "journal.jsonl";
  JournalWriter w(file);
  w.append({{"event", "sweep_started"}});
  fs.fill();
  // Larger than a page: whatever room the journal's last page has, it cannot hold it.
  const nlohmann::json big{{"event", "epoch"}, {"pad", std::string(3 * 4096, 'p')}};
  const Caught c = catch_of([&] { w.append(big); });
  EXPECT_EQ(c.kind, ErrorKind::kEnvironment) << c.line;
  EXPECT_NE(c.line.find(file.string() + ": cannot append to the journal: No space left on device"), std::string::npos)
      << c.line;
  const auto contents = read_journal(file);
  EXPECT_FALSE(contents.torn_tail) << "a half-written line was cut off";
  EXPECT_EQ(contents.events.size(), 1u);
  fs.free();
  w.append(big);
  EXPECT_EQ(read_journal(file).events.size(), 2u);
}

TEST(DiskFull, DurableWritesRaiseEnvironmentErrorNamingTheFile) {
  SKIP_WITHOUT_TMPFS();
  Tmpfs fs(64 * 1024);
  fs.fill();
  const Caught c = catch_of([&] { write_durably(fs / "model.json", std::string(8192, 'm')); });
  EXPECT_EQ(c.kind, ErrorKind::kEnvironment) << c.line;
  EXPECT_NE(c.line.find((fs / "model.json.tmp").string() + ": cannot write: No space left on device"), std::string::npos)
      << c.line;
  EXPECT_FALSE(std::filesystem::exists(fs / "model.json.tmp")) << "the temporary is removed";
  const Caught a = catch_of([&] { append_to_file(fs / "metrics.jsonl", std::string(8192, 'm')); });
  EXPECT_EQ(a.kind, ErrorKind::kEnvironment) << a.line;
  // Not the environment's: a missing folder is the caller's error.
  EXPECT_EQ(catch_of([&] { write_durably(fs / "no" / "such", "x"); }).kind, ErrorKind::kOther);
}

TEST(DiskFull, SweepStopsWithTheTrialPendingAndResumeFinishesEveryTrialOnce) {
  SKIP_WITHOUT_TMPFS();
  genre::test::TempDir d;
  Tmpfs fs(4 << 20);
  genre::test::write_file(d / "dataset.json", "{}");  // the objective reads no data
  genre::test::write_file(d / "grid.yaml", R"(
method: grid
base: {train: {epochs: 2}}
parameters:
  objective.quality: {values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}
)");
  SearchOptions o;
  o.spec = d / "grid.yaml";
  o.data = d / "dataset.json";
  o.out = fs / "run";
  const Caught c = catch_of([&] {
    run_search(o, world(), [&] { return std::make_unique<FillingRunner>(fs, 3); }, nullptr, nullptr);
  });
  EXPECT_EQ(c.kind, ErrorKind::kEnvironment) << c.line;
  EXPECT_NE(c.line.find("stopped; free the space and continue it with --resume: trial 3: "), std::string::npos) << c.line;
  EXPECT_NE(c.line.find("No space left on device"), std::string::npos) << c.line;
  EXPECT_TRUE(of_kind(o.out, "trial_failed").empty()) << "the disk is no trial's failure";
  EXPECT_EQ(of_kind(o.out, "trial_finished").size(), 3u);
  EXPECT_EQ(of_kind(o.out, "trial_started").back()["trial"], 3) << "nothing started after the disk filled";
  EXPECT_TRUE(of_kind(o.out, "sweep_ended").empty()) << "the sweep did not report an end";

  fs.free();
  o.resume = true;
  const SearchOutcome resumed =
      run_search(o, world(), [] { return std::make_unique<ObjectiveRunner>(nullptr); }, nullptr, nullptr);
  EXPECT_TRUE(resumed.unresolved.empty());
  std::map<int, int> finished;
  for (const auto& e : of_kind(o.out, "trial_finished")) ++finished[e["trial"].get<int>()];
  EXPECT_EQ(finished.size(), 6u);
  for (const auto& [trial, times] : finished) EXPECT_EQ(times, 1) << "trial " << trial;
  EXPECT_TRUE(of_kind(o.out, "trial_failed").empty());
  EXPECT_EQ(of_kind(o.out, "sweep_ended").back()["status"], "complete");
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  dist::Environment mpi(&argc, &argv);
  genre::log::setup(world().rank(), /*quiet=*/true);
  return RUN_ALL_TESTS();
}
