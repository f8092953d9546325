#include <gtest/gtest.h>

#include "data/shard.h"
#include "preprocess/shard_sink.h"
#include "support/test_support.h"

using namespace genre;

namespace {
data::TrackFeatures track(int i, const data::DatasetParams& p) {
  data::TrackFeatures t;
  t.info.id = "t" + std::to_string(i);
  t.info.path = "c/t" + std::to_string(i) + ".wav";
  t.info.label = 0;
  t.n_segments = 2;
  t.info.n_segments = 2;
  t.features.assign(static_cast<std::size_t>(2 * p.frames * p.dims), static_cast<float>(i));
  t.start_s = {0.f, 3.f};
  return t;
}
}  // namespace

TEST(ShardSink, RotatesAtShardTracksAndNamesByRankAndSequence) {
  genre::test::TempDir d;
  data::DatasetParams p;
  p.classes = {"c"};
  preprocess::ShardSink sink(d.path(), p, 3, 7, 2);
  for (int i = 0; i < 5; ++i) sink.add(track(i, p));
  EXPECT_EQ(sink.committed().size(), 2u);  // two full shards, one open
  sink.flush();
  sink.flush();  // nothing open: no empty shard
  ASSERT_EQ(sink.committed().size(), 3u);
  EXPECT_EQ(sink.committed()[0].file, "shards/shard-00003-0007.h5");
  EXPECT_EQ(sink.committed()[2].file, "shards/shard-00003-0009.h5");
  EXPECT_EQ(sink.committed()[2].tracks, 1u);
  EXPECT_EQ(sink.committed()[2].segments, 2u);
  const data::ShardReader r(d / "shard-00003-0008.h5");
  ASSERT_EQ(r.tracks().size(), 2u);
  EXPECT_EQ(r.tracks()[1].id, "t3");
}
