// Silent corruption of a shard (issue 13.15) becomes one line naming the
// shard and the dataset: Fletcher32 checksums on the feature datasets catch a
// flipped bit, and NaN in stored features is reported at load with its row.
// Shards written before the checksums read as before.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "common/error.h"
#include "data/h5.h"
#include "data/shard.h"
#include "data_fixtures.h"
#include "support/test_support.h"

namespace genre::data {
namespace {

using genre::test::error_of;
using genre::test::TempDir;
using test::make_track;
using test::test_params;
using test::write_shard;

bool has_fletcher32(const h5::File& f, const char* name) {
  h5::DatasetId ds(H5Dopen2(f.id(), name, H5P_DEFAULT));
  h5::PropListId dcpl(H5Dget_create_plist(ds.get()));
  return H5Pget_filter_by_id2(dcpl.get(), H5Z_FILTER_FLETCHER32, nullptr, nullptr, nullptr, 0, nullptr, nullptr) >= 0;
}

// Where the first chunk of a chunked dataset lies in the file.
haddr_t first_chunk(const std::filesystem::path& file, const char* name) {
  const h5::File f = h5::File::open_read(file);
  h5::DatasetId ds(H5Dopen2(f.id(), name, H5P_DEFAULT));
  h5::SpaceId space(H5Dget_space(ds.get()));
  hsize_t offset[3] = {};
  unsigned mask = 0;
  haddr_t addr = HADDR_UNDEF;
  hsize_t size = 0;
  if (H5Dget_chunk_info(ds.get(), space.get(), 0, offset, &mask, &addr, &size) < 0) return HADDR_UNDEF;
  return addr;
}

void flip_byte(const std::filesystem::path& file, std::uint64_t at) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  io.seekg(static_cast<std::streamoff>(at));
  char c = 0;
  io.get(c);
  io.seekp(static_cast<std::streamoff>(at));
  io.put(static_cast<char>(c ^ 0x10));
}

std::vector<TrackFeatures> three_tracks(const DatasetParams& p) {
  return {make_track(p, "blues.00000", 0, 10, 1.0f), make_track(p, "jazz.00003", 1, 7, 3.0f),
          make_track(p, "rock.00001", 2, 4, 5.0f)};
}

TEST(ShardIntegrity, FeatureDatasetsCarryFletcher32) {
  TempDir dir;
  const DatasetParams p = test_params(true);
  write_shard(dir.path(), "s.h5", p, three_tracks(p));
  const h5::File f = h5::File::open_read(dir / "s.h5");
  for (const char* name : {"/segments/features", "/segments/table", "/tracks/table"})
    EXPECT_TRUE(has_fletcher32(f, name)) << name;
}

TEST(ShardIntegrity, AFlippedBitInTheFeaturesNamesTheShardAndTheDataset) {
  TempDir dir;
  const DatasetParams p = test_params(false);
  write_shard(dir.path(), "s.h5", p, three_tracks(p));
  const haddr_t chunk = first_chunk(dir / "s.h5", "/segments/features");
  ASSERT_NE(chunk, HADDR_UNDEF);
  flip_byte(dir / "s.h5", chunk + 4000);  // inside the features of segment 2
  const ShardReader r(dir / "s.h5");     // attributes and /tracks are intact
  const std::string e = error_of([&] { r.read_segments(); });
  EXPECT_EQ(e, (dir / "s.h5").string() +
                   ": /segments/features: checksum mismatch (Fletcher32): the file is corrupt on disk; restore it or "
                   "preprocess again");
  EXPECT_NE(error_of([&] { r.read_track(0); }).find("checksum mismatch"), std::string::npos);
}

TEST(ShardIntegrity, ShardsWrittenWithoutChecksumsStillRead) {
  TempDir dir;
  const DatasetParams p = test_params(false);
  const auto tracks = three_tracks(p);
  write_shard(dir.path(), "new.h5", p, tracks);
  // An older genre's shard: the same data, its filters removed.
  const std::string cmd = "h5repack -f NONE " + (dir / "new.h5").string() + " " + (dir / "old.h5").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  ASSERT_FALSE(has_fletcher32(h5::File::open_read(dir / "old.h5"), "/segments/features"));
  const SegmentBlock b = ShardReader(dir / "old.h5").read_segments();
  std::vector<float> expected;
  for (const auto& t : tracks) expected.insert(expected.end(), t.features.begin(), t.features.end());
  EXPECT_EQ(b.features, expected);
}

TEST(ShardIntegrity, NanInTheFeaturesIsReportedWithItsRowAtLoad) {
  TempDir dir;
  const DatasetParams p = test_params(false);
  auto tracks = three_tracks(p);
  const std::size_t per_segment = static_cast<std::size_t>(p.frames * p.dims);
  tracks[1].features[3 * per_segment + 5] = std::nanf("");  // jazz's segment 3: shard row 10 + 3
  write_shard(dir.path(), "s.h5", p, tracks);
  const ShardReader r(dir / "s.h5");
  const std::string e = error_of([&] { r.read_segments(); });
  EXPECT_EQ(e, "shard " + (dir / "s.h5").string() +
                   ": NaN in features at row 13 (/segments/features, track jazz.00003): preprocess that track again");
  EXPECT_NE(error_of([&] { r.read_track(1); }).find("NaN in features at row 13"), std::string::npos);
  EXPECT_NO_THROW(r.read_track(0));
  tracks[1].features[3 * per_segment + 5] = INFINITY;
  write_shard(dir.path(), "inf.h5", p, tracks);
  EXPECT_NE(error_of([&] { ShardReader(dir / "inf.h5").read_segments(); }).find("an infinite value in features at row 13"),
            std::string::npos);
}

}  // namespace
}  // namespace genre::data
