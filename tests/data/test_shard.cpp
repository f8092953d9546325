#include "data/shard.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "data/h5.h"
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

void expect_same_info(const TrackInfo& a, const TrackInfo& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.label, b.label);
  EXPECT_EQ(a.duration_s, b.duration_s);
  EXPECT_EQ(a.checksum, b.checksum);
  EXPECT_EQ(a.size_bytes, b.size_bytes);
  EXPECT_EQ(a.n_segments, b.n_segments);
}

void round_trip(bool table) {
  TempDir dir;
  const DatasetParams p = test_params(table);
  const std::vector<TrackFeatures> written{make_track(p, "blues.00000", 0, 10, 1.0f),
                                           make_track(p, "rock.00007", 2, 0, 2.0f),  // no segments at all
                                           make_track(p, "jazz.00003", 1, 7, 3.0f)};
  write_shard(dir.path(), "s.h5", p, written);

  const ShardReader r(dir / "s.h5");
  EXPECT_TRUE(r.params().same_features_as(p)) << r.params().differences(p);
  EXPECT_EQ(r.params().genre_version, p.genre_version);
  EXPECT_EQ(r.params().table_columns, p.table_columns);
  ASSERT_EQ(r.tracks().size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    TrackInfo expected = written[i].info;
    expected.n_segments = written[i].n_segments;
    expect_same_info(r.tracks()[i], expected);
  }
  EXPECT_EQ(r.segments(), 17u);

  const SegmentBlock b = r.read_segments();
  ASSERT_EQ(b.n, 17u);
  EXPECT_EQ(b.frames, 130u);
  EXPECT_EQ(b.dims, 13u);
  EXPECT_EQ(b.columns, table ? 3u : 0u);
  std::vector<float> features, start_s, seg_table;
  for (const auto& t : written) {
    features.insert(features.end(), t.features.begin(), t.features.end());
    start_s.insert(start_s.end(), t.start_s.begin(), t.start_s.end());
    seg_table.insert(seg_table.end(), t.segment_table.begin(), t.segment_table.end());
  }
  EXPECT_EQ(b.features, features);
  EXPECT_EQ(b.start_s, start_s);
  EXPECT_EQ(b.table, seg_table);
  for (std::size_t s = 0; s < b.n; ++s) {
    EXPECT_EQ(b.track[s], s < 10 ? 0 : 2);
    EXPECT_EQ(b.label[s], s < 10 ? 0 : 1);
  }

  const std::vector<float> track_table = r.read_track_table();
  if (table) {
    ASSERT_EQ(track_table.size(), 9u);
    EXPECT_EQ(track_table[2 * 3 + 1], table_value(3.0f, -1, 1));
  } else {
    EXPECT_TRUE(track_table.empty());
  }

  const SegmentBlock jazz = r.read_track(2);
  ASSERT_EQ(jazz.n, 7u);
  EXPECT_EQ(jazz.features, written[2].features);
  EXPECT_EQ(jazz.start_s, written[2].start_s);
  EXPECT_EQ(jazz.table, written[2].segment_table);
  EXPECT_EQ(r.read_track(1).n, 0u);
  EXPECT_NE(error_of([&] { r.read_track(3); }).find("no track row 3"), std::string::npos);
}

TEST(Shard, RoundTripWithoutTable) { round_trip(false); }
TEST(Shard, RoundTripWithTable) { round_trip(true); }

TEST(Shard, EmptyShardIsWritableAndReadable) {
  for (bool table : {false, true}) {
    TempDir dir;
    const DatasetParams p = test_params(table);
    const ShardEntry e = write_shard(dir.path(), "empty.h5", p, {});
    EXPECT_EQ(e.tracks, 0u);
    EXPECT_EQ(e.segments, 0u);
    const ShardReader r(dir / "empty.h5");
    EXPECT_TRUE(r.tracks().empty());
    EXPECT_EQ(r.segments(), 0u);
    EXPECT_EQ(r.params().table_columns, p.table_columns);
    const SegmentBlock b = r.read_segments();
    EXPECT_EQ(b.n, 0u);
    EXPECT_TRUE(b.features.empty());
    EXPECT_TRUE(r.read_track_table().empty());
  }
}

TEST(Shard, FeaturesAreChunkedBySegments) {
  TempDir dir;
  DatasetParams p = test_params(false);
  std::vector<TrackFeatures> tracks;
  for (int i = 0; i < 10; ++i) tracks.push_back(make_track(p, "t" + std::to_string(i), 0, 10, float(i)));
  write_shard(dir.path(), "s.h5", p, tracks);
  const h5::File f = h5::File::open_read(dir / "s.h5");
  h5::DatasetId ds(H5Dopen2(f.id(), "/segments/features", H5P_DEFAULT));
  h5::PropListId dcpl(H5Dget_create_plist(ds.get()));
  ASSERT_EQ(H5Pget_layout(dcpl.get()), H5D_CHUNKED);
  hsize_t chunk[3] = {};
  H5Pget_chunk(dcpl.get(), 3, chunk);
  EXPECT_EQ(chunk[0], 64u);  // 100 MFCC segments: 64 a chunk (~420 KiB)
  EXPECT_EQ(chunk[1], 130u);
  EXPECT_EQ(chunk[2], 13u);
}

TEST(Shard, NothingUnderTheFinalNameBeforeCommit) {
  TempDir dir;
  const DatasetParams p = test_params(false);
  const auto final_path = dir / "shard-00000-0000.h5";
  const auto tmp_path = dir / "shard-00000-0000.h5.tmp";
  {
    ShardWriter w(final_path, p);
    w.add(make_track(p, "a", 0, 2, 1.0f));
    EXPECT_EQ(w.tracks(), 1u);
    EXPECT_EQ(w.segments(), 2u);
    EXPECT_FALSE(std::filesystem::exists(final_path));
    EXPECT_FALSE(std::filesystem::exists(tmp_path));
    w.commit();
    EXPECT_TRUE(std::filesystem::exists(final_path));
    EXPECT_FALSE(std::filesystem::exists(tmp_path));
    EXPECT_NE(error_of([&] { w.commit(); }).find("committed twice"), std::string::npos);
    EXPECT_NE(error_of([&] { w.add(make_track(p, "b", 0, 1, 1.0f)); }).find("already committed"), std::string::npos);
  }
  EXPECT_TRUE(std::filesystem::exists(final_path));  // the destructor leaves a committed shard alone
}

TEST(Shard, AWriterDestroyedWithoutCommitLeavesNothing) {
  TempDir dir;
  const DatasetParams p = test_params(false);
  const auto final_path = dir / "s.h5";
  {
    ShardWriter w(final_path, p);
    w.add(make_track(p, "a", 0, 2, 1.0f));
    // What a crash in the middle of commit() leaves behind.
    genre::test::write_file(dir / "s.h5.tmp", "half a shard");
  }
  EXPECT_FALSE(std::filesystem::exists(final_path));
  EXPECT_FALSE(std::filesystem::exists(dir / "s.h5.tmp"));
}

TEST(Shard, CommitReplacesAnOlderShard) {
  TempDir dir;
  const DatasetParams p = test_params(false);
  write_shard(dir.path(), "s.h5", p, {make_track(p, "old", 0, 1, 1.0f)});
  write_shard(dir.path(), "s.h5", p, {make_track(p, "new", 1, 2, 2.0f)});
  const ShardReader r(dir / "s.h5");
  ASSERT_EQ(r.tracks().size(), 1u);
  EXPECT_EQ(r.tracks()[0].id, "new");
}

TEST(Shard, AFailedCommitLeavesTheOlderShardIntact) {
  TempDir dir;
  const DatasetParams p = test_params(false);
  write_shard(dir.path(), "s.h5", p, {make_track(p, "old", 0, 1, 1.0f)});
  std::filesystem::create_directory(dir / "s.h5.tmp");  // blocks the temporary name
  {
    ShardWriter w(dir / "s.h5", p);
    w.add(make_track(p, "new", 1, 2, 2.0f));
    const std::string e = error_of([&] { w.commit(); });
    EXPECT_NE(e.find("s.h5.tmp: cannot create: Is a directory"), std::string::npos) << e;
  }
  const ShardReader r(dir / "s.h5");
  ASSERT_EQ(r.tracks().size(), 1u);
  EXPECT_EQ(r.tracks()[0].id, "old");
}

TEST(Shard, CommitIntoAMissingFolderFailsAndLeavesNothing) {
  TempDir dir;
  const DatasetParams p = test_params(false);
  ShardWriter w(dir / "no-such-folder" / "s.h5", p);
  w.add(make_track(p, "a", 0, 1, 1.0f));
  const std::string e = error_of([&] { w.commit(); });
  EXPECT_NE(e.find("no-such-folder/s.h5.tmp: cannot create: No such file or directory"), std::string::npos) << e;
  EXPECT_FALSE(std::filesystem::exists(dir / "no-such-folder"));
}

TEST(Shard, AddRejectsInconsistentTracks) {
  TempDir dir;
  const DatasetParams p = test_params(true);
  ShardWriter w(dir / "s.h5", p);
  TrackFeatures bad = make_track(p, "a", 0, 2, 1.0f);
  bad.features.pop_back();
  EXPECT_NE(error_of([&] { w.add(bad); }).find("track 'a': features has 3379 values, expected 3380"),
            std::string::npos);
  bad = make_track(p, "a", 0, 2, 1.0f);
  bad.start_s.push_back(1);
  EXPECT_NE(error_of([&] { w.add(bad); }).find("start_s"), std::string::npos);
  bad = make_track(p, "a", 0, 2, 1.0f);
  bad.track_table.clear();
  EXPECT_NE(error_of([&] { w.add(bad); }).find("track_table has 0 values, expected 3"), std::string::npos);
  bad = make_track(p, "b", 0, 2, 1.0f);
  bad.info.label = 3;
  EXPECT_NE(error_of([&] { w.add(bad); }).find("label 3 is not an index into the 3 classes"), std::string::npos);
  w.add(make_track(p, "a", 0, 2, 1.0f));
  EXPECT_NE(error_of([&] { w.add(make_track(p, "a", 1, 1, 2.0f)); }).find("id added twice"), std::string::npos);
  EXPECT_EQ(w.tracks(), 1u);
}

// ------------------------------------------------------------- bad shards

// Writes a valid shard, then lets `damage` break it with the raw HDF5 API.
std::filesystem::path damaged_shard(const TempDir& dir, const std::function<void(hid_t)>& damage) {
  const DatasetParams p = test_params(true);
  write_shard(dir.path(), "s.h5", p, {make_track(p, "a", 0, 3, 1.0f), make_track(p, "b", 1, 2, 2.0f)});
  h5::FileId f(H5Fopen((dir / "s.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  EXPECT_TRUE(f);
  damage(f.get());
  return dir / "s.h5";
}

TEST(ShardReader, RejectsAFileThatIsNotHdf5) {
  TempDir dir;
  genre::test::write_file(dir / "s.h5", "RIFF....WAVEfmt not a shard at all");
  const std::string e = error_of([&] { ShardReader r(dir / "s.h5"); });
  EXPECT_NE(e.find((dir / "s.h5").string() + ": cannot open as HDF5"), std::string::npos) << e;
}

TEST(ShardReader, RejectsATruncatedShard) {
  TempDir dir;
  const DatasetParams p = test_params(false);
  write_shard(dir.path(), "s.h5", p, {make_track(p, "a", 0, 10, 1.0f)});
  const std::string bytes = genre::test::read_file(dir / "s.h5");
  genre::test::write_file(dir / "cut.h5", bytes.substr(0, bytes.size() / 2));
  const std::string e = error_of([&] {
    ShardReader r(dir / "cut.h5");
    r.read_segments();
  });
  EXPECT_NE(e.find((dir / "cut.h5").string()), std::string::npos) << e;
}

TEST(ShardReader, RejectsAShardMissingADataset) {
  for (const char* name : {"/tracks/checksum", "/segments/features", "/segments/track", "/tracks/table"}) {
    TempDir dir;
    const auto path = damaged_shard(dir, [&](hid_t f) { H5Ldelete(f, name, H5P_DEFAULT); });
    const std::string e = error_of([&] { ShardReader r(path); });
    EXPECT_NE(e.find(path.string() + ": " + name + ": missing dataset"), std::string::npos) << e;
  }
}

TEST(ShardReader, RejectsAShardMissingAnAttribute) {
  TempDir dir;
  const auto path = damaged_shard(dir, [](hid_t f) { H5Adelete(f, "n_fft"); });
  const std::string e = error_of([&] { ShardReader r(path); });
  EXPECT_NE(e.find(path.string() + ": /: missing attribute 'n_fft'"), std::string::npos) << e;
}

TEST(ShardReader, RejectsWrongShapesAndTypes) {
  {
    TempDir dir;
    const auto path = damaged_shard(dir, [](hid_t f) {
      H5Ldelete(f, "/segments/start_s", H5P_DEFAULT);
      const hsize_t n = 4;
      h5::SpaceId space(H5Screate_simple(1, &n, nullptr));
      h5::DatasetId ds(H5Dcreate2(f, "/segments/start_s", H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                  H5P_DEFAULT));
    });
    const std::string e = error_of([&] { ShardReader r(path); });
    EXPECT_NE(e.find("/segments/start_s: shape [4], expected [5]"), std::string::npos) << e;
  }
  {
    TempDir dir;
    const auto path = damaged_shard(dir, [](hid_t f) {
      H5Ldelete(f, "/tracks/label", H5P_DEFAULT);
      const hsize_t n = 2;
      h5::SpaceId space(H5Screate_simple(1, &n, nullptr));
      h5::DatasetId ds(
          H5Dcreate2(f, "/tracks/label", H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    });
    const std::string e = error_of([&] { ShardReader r(path); });
    EXPECT_NE(e.find("/tracks/label: expected integers"), std::string::npos) << e;
  }
  {
    TempDir dir;
    const auto path = damaged_shard(dir, [](hid_t f) {
      const std::int64_t v = 2;
      h5::AttributeId a(H5Aopen(f, "schema_version", H5P_DEFAULT));
      H5Awrite(a.get(), H5T_NATIVE_INT64, &v);
    });
    const std::string e = error_of([&] { ShardReader r(path); });
    EXPECT_NE(e.find("schema_version 2, this genre reads schema_version 1"), std::string::npos) << e;
  }
}

// ---------------------------------------------------------------- h5py

struct Command {
  int status = -1;
  std::string output;
};

Command run(const std::string& command) {
  Command c;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
  if (!pipe) return c;
  std::array<char, 4096> buf{};
  while (std::size_t n = fread(buf.data(), 1, buf.size(), pipe.get())) c.output.append(buf.data(), n);
  c.status = pclose(pipe.release());
  return c;
}

TEST(ShardH5py, DebianPythonReadsAShardWithPlainH5py) {
  TempDir dir;
  const DatasetParams p = test_params(true);
  const std::vector<TrackFeatures> written{make_track(p, "blues.00000", 0, 10, 1.0f),
                                           make_track(p, "jazz.00003", 1, 7, 3.0f)};
  write_shard(dir.path(), "s.h5", p, written);

  const Command c = run(std::string(GENRE_SYSTEM_PYTHON) + " " + GENRE_CHECK_SHARD_PY + " " + (dir / "s.h5").string());
  ASSERT_NE(c.status, -1) << "could not start " << GENRE_SYSTEM_PYTHON;
  ASSERT_EQ(c.status, 0) << "h5py could not read the shard with " << GENRE_SYSTEM_PYTHON
                         << " (needs Debian's python3-h5py and python3-numpy: apt-get install python3-h5py "
                            "python3-numpy):\n"
                         << c.output;
  const auto j = nlohmann::json::parse(c.output);
  const auto& attrs = j["attrs"];
  EXPECT_EQ(attrs["schema_version"], 1);
  EXPECT_EQ(attrs["feature"], "mfcc");
  EXPECT_EQ(j["types"]["feature"], "str");
  EXPECT_EQ(attrs["sample_rate"], 22050);
  EXPECT_EQ(attrs["n_fft"], 2048);
  EXPECT_EQ(attrs["hop_length"], 512);
  EXPECT_EQ(attrs["n_mels"], 128);
  EXPECT_EQ(attrs["n_mfcc"], 13);
  EXPECT_EQ(attrs["segment_s"], 3.0);
  EXPECT_EQ(attrs["classes"], (std::vector<std::string>{"blues", "jazz", "rock"}));
  EXPECT_EQ(attrs["genre_version"], "0.1.0-test");
  EXPECT_EQ(attrs["pad_mode"], "constant");
  EXPECT_EQ(attrs["frames"], 130);
  EXPECT_EQ(attrs["dims"], 13);

  const auto& d = j["datasets"];
  const auto& features = d["/segments/features"];
  EXPECT_EQ(features["shape"], (std::vector<int>{17, 130, 13}));
  EXPECT_EQ(features["dtype"], "float32");
  EXPECT_EQ(features["chunks"], (std::vector<int>{17, 130, 13}));
  EXPECT_EQ(features["first"][1].get<double>(), feature_value(1.0f, 0, 1));
  EXPECT_EQ(features["last"].get<double>(), written[1].features.back());
  double sum = 0;
  for (const auto& t : written)
    for (float v : t.features) sum += v;
  EXPECT_NEAR(features["sum"].get<double>(), sum, 1e-6 * sum);

  EXPECT_EQ(d["/segments/label"]["dtype"], "int16");
  EXPECT_EQ(d["/segments/track"]["dtype"], "int32");
  EXPECT_EQ(d["/segments/track"]["values"][10], 1);
  EXPECT_EQ(d["/segments/start_s"]["dtype"], "float32");
  EXPECT_EQ(d["/segments/start_s"]["values"][3], 9.0);
  EXPECT_EQ(d["/segments/table"]["shape"], (std::vector<int>{17, 3}));
  EXPECT_EQ(d["/segments/table"]["attrs"]["columns"], p.table_columns);
  EXPECT_EQ(d["/tracks/table"]["shape"], (std::vector<int>{2, 3}));
  EXPECT_EQ(d["/tracks/table"]["first"][2].get<double>(), table_value(1.0f, -1, 2));

  EXPECT_EQ(d["/tracks/id"]["dtype"], "str");
  EXPECT_EQ(d["/tracks/id"]["raw_type"], "bytes");  // h5py 3 hands out bytes unless .asstr()
  EXPECT_EQ(d["/tracks/id"]["values"], (std::vector<std::string>{"blues.00000", "jazz.00003"}));
  EXPECT_EQ(d["/tracks/path"]["values"], (std::vector<std::string>{"blues/blues.00000.wav", "jazz/jazz.00003.wav"}));
  EXPECT_EQ(d["/tracks/label"]["dtype"], "int16");
  EXPECT_EQ(d["/tracks/label"]["values"], (std::vector<int>{0, 1}));
  EXPECT_EQ(d["/tracks/duration_s"]["dtype"], "float32");
  EXPECT_EQ(d["/tracks/checksum"]["dtype"], "uint64");
  EXPECT_EQ(d["/tracks/checksum"]["values"][1].get<std::uint64_t>(), written[1].info.checksum);
  EXPECT_EQ(d["/tracks/size_bytes"]["dtype"], "uint64");
  EXPECT_EQ(d["/tracks/n_segments"]["dtype"], "int32");
  EXPECT_EQ(d["/tracks/n_segments"]["values"], (std::vector<int>{10, 7}));
}

}  // namespace
}  // namespace genre::data
