#include "data/split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "common/error.h"
#include "support/test_support.h"

namespace genre::data {
namespace {

using genre::test::TempDir;
using genre::test::write_file;

using genre::test::error_of;

std::string id_of(int label, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "g%d.%05d", label, i);
  return buf;
}

// `per_class[c]` tracks of class c, 10 segments each.
std::vector<SplitTrack> corpus(const std::vector<int>& per_class) {
  std::vector<SplitTrack> tracks;
  for (int c = 0; c < static_cast<int>(per_class.size()); ++c)
    for (int i = 0; i < per_class[static_cast<std::size_t>(c)]; ++i) tracks.push_back({id_of(c, i), c, 10});
  return tracks;
}

std::map<std::string, int> label_of(const std::vector<SplitTrack>& tracks) {
  std::map<std::string, int> m;
  for (const auto& t : tracks) m[t.id] = t.label;
  return m;
}

int count_label(const std::vector<std::string>& ids, const std::map<std::string, int>& labels, int label) {
  return static_cast<int>(std::count_if(ids.begin(), ids.end(), [&](const auto& id) { return labels.at(id) == label; }));
}

// ------------------------------------------------------------ parse

TEST(SplitSpec, ParsesModesAndFractions) {
  SplitSpec s = parse_split_spec("track:0.8,0.1,0.1");
  EXPECT_EQ(s.mode, "track");
  EXPECT_EQ(s.fractions, (std::vector<double>{0.8, 0.1, 0.1}));
  s = parse_split_spec("segment:0.8,0.2");  // two numbers: train, test
  EXPECT_EQ(s.mode, "segment");
  EXPECT_EQ(s.fractions, (std::vector<double>{0.8, 0.0, 0.2}));
  s = parse_split_spec(" track : 0.7 , 0.15 , 0.15 ");
  EXPECT_EQ(s.fractions, (std::vector<double>{0.7, 0.15, 0.15}));
  s = parse_split_spec("0.6,0.2,0.2");  // mode defaults to track
  EXPECT_EQ(s.mode, "track");
  s = parse_split_spec("segment");  // fractions default to 0.8,0.1,0.1
  EXPECT_EQ(s.mode, "segment");
  EXPECT_EQ(s.fractions, (std::vector<double>{0.8, 0.1, 0.1}));
}

TEST(SplitSpec, RejectsBadSpecsWithUsageErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"track:0.8,0.3", "fractions sum to 1.1"},
      {"track:0.8,-0.1,0.3", "fractions must be >= 0"},
      {"random:0.8,0.2", "mode must be 'track' or 'segment'"},
      {"track:0.8,abc", "'abc' is not a number"},
      {"track:0.8,", "'' is not a number"},
      {"track:0.5,0.2,0.2,0.1", "give train,test or train,val,test"},
      {"track:1", "give train,test or train,val,test"},
      {"track:0,0.5,0.5", "the train fraction must be > 0"},
      {"track:nan,0.5", "'nan' is not a number"},
  };
  for (const auto& [text, message] : cases) {
    try {
      parse_split_spec(text);
      ADD_FAILURE() << text << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << text << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  }
}

// ------------------------------------------------------------ make_split

TEST(MakeSplit, GtzanSizedSplitIsStratifiedDisjointAndCovering) {
  const auto tracks = corpus(std::vector<int>(10, 100));
  const Split s = make_split(parse_split_spec("track:0.8,0.1,0.1"), tracks, 42);
  EXPECT_EQ(s.mode, "track");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_FALSE(s.leaks);
  EXPECT_EQ(s.fractions, (std::vector<double>{0.8, 0.1, 0.1}));
  const auto labels = label_of(tracks);
  for (int c = 0; c < 10; ++c) {
    EXPECT_EQ(count_label(s.train, labels, c), 80);
    EXPECT_EQ(count_label(s.val, labels, c), 10);
    EXPECT_EQ(count_label(s.test, labels, c), 10);
  }
  std::set<std::string> all;
  for (const auto* part : {&s.train, &s.val, &s.test})
    for (const auto& id : *part) EXPECT_TRUE(all.insert(id).second) << id << " is in two parts";
  EXPECT_EQ(all.size(), tracks.size());
  EXPECT_TRUE(std::is_sorted(s.train.begin(), s.train.end()));
}

TEST(MakeSplit, IsDeterministicOrderIndependentAndSeedDependent) {
  auto tracks = corpus({30, 17, 9});
  const SplitSpec spec = parse_split_spec("track:0.7,0.15,0.15");
  const Split a = make_split(spec, tracks, 7);
  const Split b = make_split(spec, tracks, 7);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.test, b.test);
  std::mt19937 shuffle_rng(123);
  std::shuffle(tracks.begin(), tracks.end(), shuffle_rng);
  std::reverse(tracks.begin(), tracks.end());
  const Split c = make_split(spec, tracks, 7);
  EXPECT_EQ(a.train, c.train);
  EXPECT_EQ(a.val, c.val);
  EXPECT_EQ(a.test, c.test);
  const Split d = make_split(spec, tracks, 8);
  EXPECT_NE(a.test, d.test);
  EXPECT_EQ(a.test.size(), d.test.size());
}

// The engine's outputs are fixed by the C++ standard (10000th output of a
// default-seeded mt19937_64), and the split built on it is pinned here (the
// expected ids were cross-checked with an independent Python implementation
// of mt19937_64 + splitmix64 + this Fisher-Yates): a change in either shows up
// as a different split for the same seed.
TEST(MakeSplit, MatchesThePinnedSplitForSeed42) {
  std::mt19937_64 engine;
  engine.discard(9999);
  EXPECT_EQ(engine(), 9981545732273789042ull);

  const Split s = make_split(parse_split_spec("track:0.6,0.2,0.2"), corpus({10}), 42);
  EXPECT_EQ(s.val, (std::vector<std::string>{"g0.00003", "g0.00008"}));
  EXPECT_EQ(s.test, (std::vector<std::string>{"g0.00005", "g0.00007"}));
}

TEST(MakeSplit, SmallClassesStillGetValAndTestTracks) {
  const auto tracks = corpus({3, 2, 1, 5});
  const auto labels = label_of(tracks);
  const Split s = make_split(parse_split_spec("track:0.8,0.1,0.1"), tracks, 1);
  // 3 tracks: one of each; 2 and 1: all train; 5: 3/1/1.
  EXPECT_EQ(count_label(s.train, labels, 0), 1);
  EXPECT_EQ(count_label(s.val, labels, 0), 1);
  EXPECT_EQ(count_label(s.test, labels, 0), 1);
  EXPECT_EQ(count_label(s.train, labels, 1), 2);
  EXPECT_EQ(count_label(s.train, labels, 2), 1);
  EXPECT_EQ(count_label(s.train, labels, 3), 3);
  EXPECT_EQ(count_label(s.val, labels, 3), 1);
  EXPECT_EQ(count_label(s.test, labels, 3), 1);
  EXPECT_NE(s.note.find("2 class(es) with fewer than 3 tracks"), std::string::npos) << s.note;
}

TEST(MakeSplit, TwoFractionsLeaveValEmpty) {
  const auto tracks = corpus({10, 10});
  const Split s = make_split(parse_split_spec("track:0.8,0.2"), tracks, 3);
  EXPECT_TRUE(s.val.empty());
  EXPECT_EQ(s.train.size(), 16u);
  EXPECT_EQ(s.test.size(), 4u);
}

TEST(MakeSplit, SegmentModeSplitsEverySegmentKeyAndSaysItLeaks) {
  const auto tracks = corpus({6, 4});  // 10 segments each: 100 keys
  const Split s = make_split(parse_split_spec("segment:0.8,0.1,0.1"), tracks, 5);
  EXPECT_EQ(s.mode, "segment");
  EXPECT_TRUE(s.leaks);
  EXPECT_NE(s.note.find("LEAKS"), std::string::npos);
  std::set<std::string> all;
  for (const auto* part : {&s.train, &s.val, &s.test})
    for (const auto& key : *part) EXPECT_TRUE(all.insert(key).second) << key;
  EXPECT_EQ(all.size(), 100u);
  EXPECT_TRUE(all.count("g0.00005#9"));
  EXPECT_EQ(s.train.size(), 80u);
  EXPECT_EQ(s.val.size(), 10u);
  EXPECT_EQ(s.test.size(), 10u);
  // Keys listed grouped by track, segments in numeric order ("#2" before "#10").
  const Split t = make_split(parse_split_spec("segment:0.5,0.5"), {{"x", 0, 12}}, 5);
  std::vector<int> ks;
  for (const auto& key : t.train) ks.push_back(std::stoi(key.substr(2)));
  EXPECT_TRUE(std::is_sorted(ks.begin(), ks.end()));
}

TEST(MakeSplit, RejectsDuplicateIds) {
  EXPECT_NE(error_of([] { make_split(SplitSpec{}, {{"a", 0, 1}, {"a", 1, 1}}, 1); }).find("'a' appears twice"),
            std::string::npos);
}

// ------------------------------------------------------------ split files

TEST(SplitFiles, ReadsIdsSkippingCommentsAndBlankLinesAndAcceptsPaths) {
  TempDir dir;
  const auto tracks = corpus({4, 4});
  write_file(dir / "train.txt", "# GTZAN-style\n\ng0.00000\r\n  g0.00001  \ng1/g1.00000.wav\ng1.00001\n");
  write_file(dir / "val.txt", "g0.00002\n");
  write_file(dir / "test.txt", "g1.00002\ng1.00003\n");
  const Split s = read_split_files(dir.path(), tracks);
  EXPECT_EQ(s.mode, "files");
  EXPECT_TRUE(s.fractions.empty());
  EXPECT_EQ(s.train, (std::vector<std::string>{"g0.00000", "g0.00001", "g1.00000", "g1.00001"}));
  EXPECT_EQ(s.val, (std::vector<std::string>{"g0.00002"}));
  EXPECT_EQ(s.test, (std::vector<std::string>{"g1.00002", "g1.00003"}));
  EXPECT_NE(s.note.find("1 track(s) not listed in any file are left out"), std::string::npos) << s.note;
}

TEST(SplitFiles, ValIsOptional) {
  TempDir dir;
  write_file(dir / "train.txt", "g0.00000\n");
  write_file(dir / "test.txt", "g0.00001\n");
  const Split s = read_split_files(dir.path(), corpus({2}));
  EXPECT_TRUE(s.val.empty());
  EXPECT_EQ(s.note.find("left out"), std::string::npos);
}

TEST(SplitFiles, BadIdsNameTheFileAndLine) {
  const auto tracks = corpus({4});
  {
    TempDir dir;
    write_file(dir / "train.txt", "g0.00000\n# c\ng0.99999\n");
    write_file(dir / "test.txt", "g0.00001\n");
    EXPECT_EQ(error_of([&] { read_split_files(dir.path(), tracks); }),
              (dir / "train.txt").string() + ":3: unknown track id 'g0.99999'");
  }
  {
    TempDir dir;
    write_file(dir / "train.txt", "g0.00000\ng0.00001\n");
    write_file(dir / "test.txt", "g0.00002\n\ng0/g0.00001.au\n");
    EXPECT_EQ(error_of([&] { read_split_files(dir.path(), tracks); }),
              (dir / "test.txt").string() + ":3: track 'g0.00001' is already listed at " +
                  (dir / "train.txt").string() + ":2");
  }
  {
    TempDir dir;
    write_file(dir / "train.txt", "g0.00000\ng0.00000\n");
    write_file(dir / "test.txt", "g0.00001\n");
    EXPECT_NE(error_of([&] { read_split_files(dir.path(), tracks); }).find("train.txt:2: track 'g0.00000' is already"),
              std::string::npos);
  }
  {
    TempDir dir;
    write_file(dir / "train.txt", "g0.00000\n");
    EXPECT_NE(error_of([&] { read_split_files(dir.path(), tracks); }).find("test.txt: missing"), std::string::npos);
  }
}

}  // namespace
}  // namespace genre::data
