// What a sweep ran on (sweep_identity.h): --resume refuses another dataset or
// a changed spec unless allowed, and names what changed.
#include <gtest/gtest.h>

#include "common/error.h"
#include "search/spec.h"
#include "search/sweep_identity.h"
#include "support/test_support.h"

using namespace genre;
using namespace genre::search;

namespace {

const char* const kSpec = R"(
method: random
max_trials: 8  # a comment does not change the spec
seed: 1
parameters:
  optim.lr: {distribution: log_uniform_values, min: 1.0e-4, max: 1.0e-1}
)";

nlohmann::json identity(const std::string& text, const std::filesystem::path& data) {
  return sweep_identity(text, parse_spec_text(text, "spec.yaml", "."), data);
}

void put(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  genre::test::write_file(file, text);
}

nlohmann::json started(const nlohmann::json& id) {
  nlohmann::json e{{"event", "sweep_started"}};
  e.update(id);
  return e;
}

std::string refusal(const std::vector<nlohmann::json>& events, const nlohmann::json& now, ResumeAllowance allow = {}) {
  try {
    check_identity(events, now, allow, "run/journal.jsonl");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(SweepIdentity, RecordsTheDatasetAndACanonicalSpec) {
  genre::test::TempDir d;
  genre::test::write_file(d / "dataset.json", "{\"a\": 1}");
  const auto id = identity(kSpec, d.path());  // a folder means its dataset.json
  EXPECT_EQ(id["data"]["path"], (d / "dataset.json").string());
  EXPECT_EQ(id["data"]["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_EQ(id["spec"]["max_trials"], 8);
  std::string reformatted = kSpec;
  reformatted.replace(reformatted.find("  # a comment"), std::string("  # a comment does not change the spec").size(), "");
  EXPECT_EQ(identity(reformatted, d / "dataset.json")["spec_hash"], id["spec_hash"]) << "layout and comments do not count";
}

TEST(SweepIdentity, ResumeRefusesAnotherDatasetUnlessAllowed) {
  genre::test::TempDir d;
  put(d / "a" / "dataset.json", "{\"shards\": [1]}");
  put(d / "b" / "dataset.json", "{\"shards\": [2]}");
  put(d / "moved" / "dataset.json", "{\"shards\": [1]}");
  const std::vector<nlohmann::json> events{started(identity(kSpec, d / "a"))};
  EXPECT_EQ(refusal(events, identity(kSpec, d / "a")), "");
  const std::string why = refusal(events, identity(kSpec, d / "b"));
  EXPECT_NE(why.find("run/journal.jsonl: --data " + (d / "b" / "dataset.json").string() +
                     " is not the dataset the sweep ran on (" + (d / "a" / "dataset.json").string()),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("--allow-changed-data"), std::string::npos) << why;
  EXPECT_EQ(refusal(events, identity(kSpec, d / "b"), {false, true}), "");
  EXPECT_EQ(refusal(events, identity(kSpec, d / "moved")), "") << "the same bytes elsewhere are the same dataset";
  // Preprocessed again in place: the same path, another dataset.
  put(d / "a" / "dataset.json", "{\"shards\": [3]}");
  EXPECT_NE(refusal(events, identity(kSpec, d / "a")).find("is not the dataset"), std::string::npos);
}

TEST(SweepIdentity, ResumeRefusesAChangedSpecNamingTheKeys) {
  genre::test::TempDir d;
  genre::test::write_file(d / "dataset.json", "{}");
  const std::vector<nlohmann::json> events{started(identity(kSpec, d.path()))};
  std::string changed = kSpec;
  changed.replace(changed.find("max_trials: 8"), 13, "max_trials: 9");
  changed += "early_terminate: {type: asha, min_epochs: 1, eta: 3, max_epochs: 9}\n";
  const std::string why = refusal(events, identity(changed, d.path()));
  EXPECT_NE(why.find("the spec changed since the sweep started (early_terminate, max_trials)"), std::string::npos) << why;
  EXPECT_NE(why.find("--allow-changed-spec"), std::string::npos) << why;
  EXPECT_EQ(refusal(events, identity(changed, d.path()), {true, false}), "");
  // The latest record counts: after an allowed change, the new spec is the sweep's.
  const std::vector<nlohmann::json> later{events[0], started(identity(changed, d.path()))};
  EXPECT_EQ(refusal(later, identity(changed, d.path())), "");
}

TEST(SweepIdentity, OldJournalsWithoutARecordStillResume) {
  genre::test::TempDir d;
  genre::test::write_file(d / "dataset.json", "{}");
  const std::vector<nlohmann::json> old{{{"event", "sweep_started"}, {"name", "x"}}};
  EXPECT_EQ(refusal(old, identity(kSpec, d.path())), "");
}

TEST(SweepIdentity, ChangedKeysAreDottedPaths) {
  const auto a = nlohmann::json::parse(R"({"x": 1, "e": {"eta": 3, "min": 1}, "p": [1, 2]})");
  const auto b = nlohmann::json::parse(R"({"x": 1, "e": {"eta": 4, "min": 1}, "p": [1, 3], "n": 0})");
  EXPECT_EQ(changed_keys(a, b), (std::vector<std::string>{"e.eta", "n", "p"}));
  EXPECT_TRUE(changed_keys(a, a).empty());
}
