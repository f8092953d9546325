#include "data/dataset.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "common/error.h"
#include "data/split.h"
#include "data_fixtures.h"
#include "support/test_support.h"

namespace genre::data {
namespace {

using genre::test::TempDir;
using test::feature_value;
using test::make_track;
using test::table_value;
using test::test_params;
using test::write_shard;

using genre::test::error_of;

struct Spec {
  std::string id;
  int label, segments;
  float base;
};

// Three shards; shard 0 holds an older version of "a2" (stale, superseded by
// shard 1's) and a track that left the collection ("gone", stale too).
class DatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = test_params(true);
    const std::vector<std::vector<Spec>> shards{
        {{"a1", 0, 4, 1}, {"a2", 1, 3, 2}, {"a3", 2, 5, 3}, {"gone", 0, 2, 99}},
        {{"a2", 1, 4, 20}, {"b1", 0, 2, 4}, {"b2", 1, 3, 5}, {"b3", 2, 1, 6}},
        {{"c1", 2, 6, 7}, {"c2", 0, 1, 8}, {"c3", 1, 2, 9}, {"c4", 2, 3, 10}, {"c5", 0, 5, 11}}};
    for (std::size_t s = 0; s < shards.size(); ++s) {
      std::vector<TrackFeatures> tracks;
      for (const auto& t : shards[s]) tracks.push_back(make_track(params_, t.id, t.label, t.segments, t.base));
      manifest_.shards.push_back(
          write_shard(dir_.path(), "shards/shard-0000" + std::to_string(s) + "-0000.h5", params_, tracks));
      for (std::size_t row = 0; row < shards[s].size(); ++row) {
        const Spec& t = shards[s][row];
        if (s == 0 && (t.id == "a2" || t.id == "gone")) {
          manifest_.shards[s].stale_rows.push_back(static_cast<int>(row));
          continue;
        }
        live_[t.id] = t;
        split_tracks_.push_back({t.id, t.label, t.segments});
      }
    }
    manifest_.params = params_;
    manifest_.split = make_split(parse_split_spec("track:0.5,0.25,0.25"), split_tracks_, 3);
    save_manifest(dir_ / "dataset.json", manifest_);
  }

  // Checks every row of `set` against the fixture values of its track.
  void expect_rows_match(const Dataset& d, const SegmentSet& set) {
    const std::size_t row = set.frames * set.dims;
    ASSERT_EQ(set.features.size(), set.n * row);
    ASSERT_EQ(set.table.size(), set.n * 3);
    for (std::size_t i = 0; i < set.n; ++i) {
      const TrackInfo& t = d.tracks().at(static_cast<std::size_t>(set.track[i]));
      const Spec& spec = live_.at(t.id);
      EXPECT_EQ(set.label[i], spec.label);
      EXPECT_LT(set.segment[i], spec.segments);
      EXPECT_EQ(set.features[i * row], feature_value(spec.base, set.segment[i], 0)) << t.id;
      EXPECT_EQ(set.features[i * row + row - 1], feature_value(spec.base, set.segment[i], row - 1)) << t.id;
      EXPECT_EQ(set.table[i * 3 + 2], table_value(spec.base, set.segment[i], 2)) << t.id;
    }
  }

  TempDir dir_;
  DatasetParams params_;
  Manifest manifest_;
  std::map<std::string, Spec> live_;
  std::vector<SplitTrack> split_tracks_;
};

TEST_F(DatasetTest, OpensTheLiveTracksAndSkipsStaleRows) {
  const Dataset d = Dataset::open(dir_.path());  // the folder
  EXPECT_EQ(d.classes(), params_.classes);
  ASSERT_EQ(d.tracks().size(), live_.size());
  std::set<std::string> ids;
  for (const auto& t : d.tracks()) ids.insert(t.id);
  EXPECT_EQ(ids.size(), live_.size());
  EXPECT_FALSE(ids.count("gone"));
  EXPECT_EQ(d.track_features("a2").front(), feature_value(20, 0, 0));  // the newer version
  EXPECT_EQ(d.track_features("a2").size(), 4u * 130 * 13);
  EXPECT_EQ(d.track_table("c5"), (std::vector<float>{table_value(11, -1, 0), table_value(11, -1, 1),
                                                     table_value(11, -1, 2)}));
  EXPECT_NE(error_of([&] { d.track_features("gone"); }).find("no track 'gone'"), std::string::npos);
  EXPECT_EQ(Dataset::open(dir_ / "dataset.json").tracks().size(), live_.size());  // the file
}

TEST_F(DatasetTest, LoadsEachPartGroupedByTrackInSplitOrder) {
  const Dataset d = Dataset::open(dir_.path());
  std::set<std::string> seen;
  std::size_t total = 0;
  for (const auto& [part, ids] : {std::pair{Part::Train, manifest_.split.train}, std::pair{Part::Val, manifest_.split.val},
                                  std::pair{Part::Test, manifest_.split.test}}) {
    const SegmentSet set = d.load(part);
    EXPECT_EQ(set.frames, 130u);
    EXPECT_EQ(set.dims, 13u);
    EXPECT_EQ(set.columns, 3u);
    expect_rows_match(d, set);
    // Tracks appear in the order of the split's list, each as one run of
    // segments 0..n-1.
    std::vector<std::string> order;
    for (std::size_t i = 0; i < set.n; ++i) {
      const std::string& id = d.tracks()[static_cast<std::size_t>(set.track[i])].id;
      if (order.empty() || order.back() != id) {
        order.push_back(id);
        EXPECT_EQ(set.segment[i], 0);
      } else {
        EXPECT_EQ(set.segment[i], set.segment[i - 1] + 1);
      }
    }
    EXPECT_EQ(order, ids);
    for (const auto& id : order) EXPECT_TRUE(seen.insert(id).second);
    total += set.n;
  }
  const SegmentSet all = d.load(Part::All);
  EXPECT_EQ(all.n, total);
  EXPECT_EQ(seen.size(), live_.size());
  std::size_t expected = 0;
  for (const auto& [id, spec] : live_) expected += static_cast<std::size_t>(spec.segments);
  EXPECT_EQ(total, expected);
  expect_rows_match(d, all);
}

TEST_F(DatasetTest, SegmentModeSplitSelectsIndividualSegments) {
  manifest_.split = make_split(parse_split_spec("segment:0.6,0.2,0.2"), split_tracks_, 11);
  save_manifest(dir_ / "segments.json", manifest_);
  const Dataset d = Dataset::open(dir_ / "segments.json");
  EXPECT_TRUE(d.manifest().split.leaks);
  std::set<std::pair<int, int>> seen;
  std::size_t tracks_in_two_parts = 0;
  std::map<int, std::set<Part>> parts_of_track;
  for (Part part : {Part::Train, Part::Val, Part::Test}) {
    const SegmentSet set = d.load(part);
    expect_rows_match(d, set);
    for (std::size_t i = 0; i < set.n; ++i) {
      EXPECT_TRUE(seen.insert({set.track[i], set.segment[i]}).second);
      parts_of_track[set.track[i]].insert(part);
    }
  }
  for (const auto& [t, parts] : parts_of_track) tracks_in_two_parts += parts.size() > 1;
  EXPECT_EQ(seen.size(), d.load(Part::All).n);
  EXPECT_GT(tracks_in_two_parts, 0u);  // the leak the note warns about
}

// Dataset::index locates what load() reads, row for row: the same labels and
// tracks in the same order, and each (shard, row) holds that segment's
// features (stale rows skipped), in track and in segment mode.
TEST_F(DatasetTest, IndexLocatesTheSegmentsLoadReads) {
  manifest_.split = make_split(parse_split_spec("segment:0.6,0.2,0.2"), split_tracks_, 11);
  save_manifest(dir_ / "segments.json", manifest_);
  for (const char* file : {"dataset.json", "segments.json"}) {
    const Dataset d = Dataset::open(dir_ / file);
    for (Part part : {Part::Train, Part::Val, Part::Test, Part::All}) {
      const SegmentSet set = d.load(part);
      const SegmentIndex index = d.index(part);
      ASSERT_EQ(index.size(), set.n) << file;
      EXPECT_EQ(index.label, set.label) << file;
      EXPECT_EQ(index.track, set.track) << file;
      const std::size_t row = set.frames * set.dims;
      for (std::size_t i = 0; i < set.n; ++i) {
        const ShardRows rows(d.shard_path(index.shard[i]));
        const std::vector<float> x = rows.read_features(index.row[i], 1);
        EXPECT_EQ(x.front(), set.features[i * row]) << file << " segment " << i;
        EXPECT_EQ(x.back(), set.features[i * row + row - 1]) << file << " segment " << i;
      }
    }
  }
}

TEST_F(DatasetTest, FilesModeSplitLoadsInFileOrder) {
  genre::test::write_file(dir_ / "train.txt", "c5\na1\nb2\n");
  genre::test::write_file(dir_ / "test.txt", "a2\n");
  manifest_.split = read_split_files(dir_.path(), split_tracks_);
  save_manifest(dir_ / "dataset.json", manifest_);
  const Dataset d = Dataset::open(dir_.path());
  const SegmentSet train = d.load(Part::Train);
  EXPECT_EQ(train.n, 5u + 4u + 3u);
  EXPECT_EQ(d.tracks()[static_cast<std::size_t>(train.track.front())].id, "c5");
  EXPECT_EQ(d.tracks()[static_cast<std::size_t>(train.track.back())].id, "b2");
  EXPECT_EQ(d.load(Part::Val).n, 0u);
  EXPECT_EQ(d.load(Part::Test).n, 4u);
}

TEST_F(DatasetTest, RejectsInconsistentManifests) {
  const auto file = dir_ / "dataset.json";
  auto open_with = [&](const std::function<void(Manifest&)>& edit) {
    Manifest m = manifest_;
    edit(m);
    save_manifest(file, m);
    return error_of([&] { Dataset::open(file); });
  };
  EXPECT_EQ(open_with([](Manifest& m) { m.shards[1].file = "shards/nope.h5"; }),
            file.string() + ": shard shards/nope.h5 does not exist");
  EXPECT_NE(open_with([](Manifest& m) { m.split.train.push_back("gone"); })
                .find("split lists track 'gone', which no live shard row holds"),
            std::string::npos);
  EXPECT_NE(open_with([](Manifest& m) { m.shards[0].stale_rows = {3}; }).find("track 'a2' is also live in"),
            std::string::npos);
  EXPECT_NE(open_with([](Manifest& m) { m.shards[2].segments = 3; })
                .find("holds 5 tracks and 17 segments, dataset.json says 5 and 3"),
            std::string::npos);
  EXPECT_NE(open_with([](Manifest& m) { m.shards[0].stale_rows = {1, 3, 4}; }).find("stale row 4 out of range"),
            std::string::npos);
  EXPECT_NE(open_with([](Manifest& m) { m.params.n_mfcc = 20; }).find("was made with other parameters: n_mfcc 13 vs 20"),
            std::string::npos);

  genre::test::write_file(dir_ / "shards/shard-00001-0000.h5", "garbage");
  const std::string e = open_with([](Manifest&) {});
  EXPECT_NE(e.find(file.string() + ": shard shards/shard-00001-0000.h5: "), std::string::npos) << e;
  EXPECT_NE(e.find("cannot open as HDF5"), std::string::npos) << e;
}

TEST(DatasetPart, ParsesPartNames) {
  EXPECT_EQ(parse_part("train"), Part::Train);
  EXPECT_EQ(parse_part("val"), Part::Val);
  EXPECT_EQ(parse_part("test"), Part::Test);
  EXPECT_EQ(parse_part("all"), Part::All);
  EXPECT_THROW(parse_part("validation"), UsageError);
}

}  // namespace
}  // namespace genre::data
