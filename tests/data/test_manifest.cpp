#include "data/manifest.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/error.h"
#include "data_fixtures.h"
#include "support/test_support.h"

namespace genre::data {
namespace {

using genre::test::TempDir;
using nlohmann::json;

using genre::test::error_of;

Manifest full_manifest() {
  Manifest m;
  m.params = test::test_params(true);
  m.params.feature = "logmel";
  m.params.dims = 128;
  m.params.pad_mode = "reflect";
  m.params.segment_s = 2.5;
  m.input = "/data/gtzan/genres_original";
  m.shards = {{"shards/shard-00000-0000.h5", 12, 118, {3, 7}}, {"shards/shard-00001-0000.h5", 5, 50, {}}};
  m.failed = {{"jazz/jazz.00054.wav", "libsndfile: unrecognised format"}};
  m.split.mode = "segment";
  m.split.seed = 18446744073709551615ull;
  m.split.fractions = {0.7, 0.1, 0.2};
  m.split.train = {"a#0", "a#1"};
  m.split.val = {"b#0"};
  m.split.test = {"c#4"};
  m.split.leaks = true;
  m.split.note = "it leaks";
  m.total_tracks = 15;
  m.total_segments = 148;
  m.reused_tracks = 4;
  m.ranks = 8;
  m.wall_s = 12.25;
  m.tracks_per_s = 1.5;
  m.plan_s = 0.125;
  m.rank_timing = {{0, 7, 3.5, 0.25, 4.0}, {1, 8, 3.75, 0.5, 4.25}};
  m.created = "2024-05-01T12:00:00Z";
  return m;
}

void expect_equal(const Manifest& a, const Manifest& b) {
  EXPECT_TRUE(a.params.same_features_as(b.params)) << a.params.differences(b.params);
  EXPECT_EQ(a.params.genre_version, b.params.genre_version);
  EXPECT_EQ(a.input, b.input);
  ASSERT_EQ(a.shards.size(), b.shards.size());
  for (std::size_t i = 0; i < a.shards.size(); ++i) {
    EXPECT_EQ(a.shards[i].file, b.shards[i].file);
    EXPECT_EQ(a.shards[i].tracks, b.shards[i].tracks);
    EXPECT_EQ(a.shards[i].segments, b.shards[i].segments);
    EXPECT_EQ(a.shards[i].stale_rows, b.shards[i].stale_rows);
  }
  ASSERT_EQ(a.failed.size(), b.failed.size());
  for (std::size_t i = 0; i < a.failed.size(); ++i) {
    EXPECT_EQ(a.failed[i].path, b.failed[i].path);
    EXPECT_EQ(a.failed[i].reason, b.failed[i].reason);
  }
  EXPECT_EQ(a.split.mode, b.split.mode);
  EXPECT_EQ(a.split.seed, b.split.seed);
  EXPECT_EQ(a.split.fractions, b.split.fractions);
  EXPECT_EQ(a.split.train, b.split.train);
  EXPECT_EQ(a.split.val, b.split.val);
  EXPECT_EQ(a.split.test, b.split.test);
  EXPECT_EQ(a.split.leaks, b.split.leaks);
  EXPECT_EQ(a.split.note, b.split.note);
  EXPECT_EQ(a.total_tracks, b.total_tracks);
  EXPECT_EQ(a.total_segments, b.total_segments);
  EXPECT_EQ(a.reused_tracks, b.reused_tracks);
  EXPECT_EQ(a.ranks, b.ranks);
  EXPECT_EQ(a.wall_s, b.wall_s);
  EXPECT_EQ(a.tracks_per_s, b.tracks_per_s);
  EXPECT_EQ(a.plan_s, b.plan_s);
  ASSERT_EQ(a.rank_timing.size(), b.rank_timing.size());
  for (std::size_t i = 0; i < a.rank_timing.size(); ++i) {
    EXPECT_EQ(a.rank_timing[i].rank, b.rank_timing[i].rank);
    EXPECT_EQ(a.rank_timing[i].files, b.rank_timing[i].files);
    EXPECT_EQ(a.rank_timing[i].work_s, b.rank_timing[i].work_s);
    EXPECT_EQ(a.rank_timing[i].write_s, b.rank_timing[i].write_s);
    EXPECT_EQ(a.rank_timing[i].done_s, b.rank_timing[i].done_s);
  }
  EXPECT_EQ(a.created, b.created);
}

TEST(Manifest, JsonRoundTripKeepsEveryField) {
  const Manifest m = full_manifest();
  expect_equal(manifest_from_json(to_json(m)), m);
  expect_equal(manifest_from_json(json::parse(to_json(m).dump())), m);
}

TEST(Manifest, SaveAndLoadRoundTripPrettyPrintedWithoutLeftovers) {
  TempDir dir;
  const Manifest m = full_manifest();
  save_manifest(dir / "dataset.json", m);
  expect_equal(load_manifest(dir / "dataset.json"), m);
  EXPECT_FALSE(std::filesystem::exists(dir / "dataset.json.tmp"));
  const std::string text = genre::test::read_file(dir / "dataset.json");
  EXPECT_NE(text.find("{\n  \"created\""), std::string::npos) << text.substr(0, 200);
  EXPECT_NE(text.find("\n    \"n_fft\": 2048"), std::string::npos);

  Manifest changed = m;
  changed.ranks = 2;
  save_manifest(dir / "dataset.json", changed);  // replaces
  EXPECT_EQ(load_manifest(dir / "dataset.json").ranks, 2);
}

TEST(Manifest, OptionalKeysTakeDefaults) {
  json j = to_json(full_manifest());
  for (const char* key : {"failed", "input", "total_tracks", "ranks", "created"}) j.erase(key);
  j["shards"][0].erase("stale_rows");
  j["split"].erase("val");
  j["split"].erase("note");
  j["params"].erase("table_columns");
  const Manifest m = manifest_from_json(j);
  EXPECT_TRUE(m.failed.empty());
  EXPECT_EQ(m.ranks, 1);
  EXPECT_TRUE(m.shards[0].stale_rows.empty());
  EXPECT_TRUE(m.split.val.empty());
  EXPECT_TRUE(m.params.table_columns.empty());
}

TEST(Manifest, ErrorsNameTheFileAndTheKey) {
  TempDir dir;
  const auto file = dir / "dataset.json";
  const json good = to_json(full_manifest());
  auto load_with = [&](const std::function<void(json&)>& edit) {
    json j = good;
    edit(j);
    genre::test::write_file(file, j.dump(2));
    return error_of([&] { load_manifest(file); });
  };
  EXPECT_EQ(load_with([](json& j) { j.erase("shards"); }), file.string() + ": missing key 'shards'");
  EXPECT_EQ(load_with([](json& j) { j["params"].erase("n_fft"); }), file.string() + ": missing key 'params.n_fft'");
  EXPECT_EQ(load_with([](json& j) { j["shards"][1].erase("file"); }),
            file.string() + ": missing key 'shards[1].file'");
  EXPECT_EQ(load_with([](json& j) { j["shards"][0]["tracks"] = "12"; }),
            file.string() + ": key 'shards[0].tracks' must be a non-negative integer, found \"12\"");
  EXPECT_EQ(load_with([](json& j) { j["params"]["classes"] = {"a", 1}; }),
            file.string() + ": key 'params.classes' must be a list of strings, found [\"a\",1]");
  EXPECT_EQ(load_with([](json& j) { j["split"]["mode"] = "random"; }),
            file.string() + ": split.mode must be track, segment or files, found 'random'");
  EXPECT_EQ(load_with([](json& j) { j["params"]["schema_version"] = 9; }),
            file.string() + ": params.schema_version is 9, this genre reads 1");
  EXPECT_EQ(load_with([](json& j) { j["shards"] = json::object(); }),
            file.string() + ": key 'shards' must be a list, found {}");
  EXPECT_EQ(load_with([](json& j) { j = json::array(); }), file.string() + ": the document must be an object, found array");

  genre::test::write_file(file, "{\"params\": ");
  EXPECT_NE(error_of([&] { load_manifest(file); }).find(file.string() + ": not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of([&] { load_manifest(dir / "absent.json"); }),
            (dir / "absent.json").string() + ": does not exist (genre preprocess writes it with the dataset)");
}

// #13.16: a shard named outside the dataset folder would be read (and, on a
// --force rerun, replaced) wherever it points.
TEST(Manifest, ShardPathsOutsideTheDatasetFolderAreRefused) {
  TempDir dir;
  const auto file = dir / "dataset.json";
  auto load_shard = [&](const std::string& shard) {
    json j = to_json(full_manifest());
    j["shards"][1]["file"] = shard;
    genre::test::write_file(file, j.dump(2));
    return error_of([&] { load_manifest(file); });
  };
  const std::string outside = "' points outside the dataset folder (shards are named relative to it)";
  EXPECT_EQ(load_shard("/etc/passwd"), file.string() + ": key 'shards[1].file': '/etc/passwd" + outside);
  EXPECT_EQ(load_shard("../other/shard.h5"), file.string() + ": key 'shards[1].file': '../other/shard.h5" + outside);
  EXPECT_EQ(load_shard("shards/../../x.h5"), file.string() + ": key 'shards[1].file': 'shards/../../x.h5" + outside);
  EXPECT_EQ(load_shard(""), file.string() + ": key 'shards[1].file' is empty");
  EXPECT_EQ(load_shard("shards/./shard-00001-0000.h5"), "(no error)");
}

TEST(Manifest, SaveIntoAMissingFolderFails) {
  TempDir dir;
  const std::string e = error_of([&] { save_manifest(dir / "nope" / "dataset.json", full_manifest()); });
  EXPECT_NE(e.find("nope/dataset.json.tmp: cannot create"), std::string::npos) << e;
}

}  // namespace
}  // namespace genre::data
