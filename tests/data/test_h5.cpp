#include "data/h5.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/error.h"
#include "support/test_support.h"

namespace genre::data::h5 {
namespace {

using genre::test::TempDir;

using genre::test::error_of;

TEST(H5Id, ClosesOnDestructionAndMovesOwnership) {
  TempDir dir;
  hid_t raw = H5I_INVALID_HID;
  {
    File f = File::create(dir / "a.h5");
    SpaceId space(H5Screate(H5S_SCALAR));
    raw = space.get();
    ASSERT_GT(H5Iis_valid(raw), 0);
    SpaceId moved(std::move(space));
    EXPECT_FALSE(space);
    EXPECT_EQ(moved.get(), raw);
    EXPECT_GT(H5Iis_valid(raw), 0);
  }
  EXPECT_LE(H5Iis_valid(raw), 0);
}

TEST(H5File, ArraysOfEveryTypeAndRankRoundTrip) {
  TempDir dir;
  {
    File f = File::create(dir / "a.h5");
    f.write<float>("/g/f", {1.5f, -2.25f, 3.0f, 4.0f, 5.0f, 6.0f}, {3, 2}, 2);
    f.write<std::int16_t>("/i16", {-32768, 0, 32767}, {3});
    f.write<std::int32_t>("/i32", {-7, 2147483647}, {2});
    f.write<std::uint64_t>("/u64", {0, 18446744073709551615ull}, {2});
    std::vector<float> cube(2 * 3 * 4);
    for (std::size_t i = 0; i < cube.size(); ++i) cube[i] = static_cast<float>(i);
    f.write("/cube", cube, {2, 3, 4}, 64);
    f.write<float>("/empty", {}, {0, 3, 4}, 64);
    f.close();
  }
  const File f = File::open_read(dir / "a.h5");
  Shape s;
  EXPECT_EQ(f.read<float>("/g/f", &s), (std::vector<float>{1.5f, -2.25f, 3.0f, 4.0f, 5.0f, 6.0f}));
  EXPECT_EQ(s, (Shape{3, 2}));
  EXPECT_EQ(f.read<std::int16_t>("/i16"), (std::vector<std::int16_t>{-32768, 0, 32767}));
  EXPECT_EQ(f.read<std::int32_t>("/i32"), (std::vector<std::int32_t>{-7, 2147483647}));
  EXPECT_EQ(f.read<std::uint64_t>("/u64"), (std::vector<std::uint64_t>{0, 18446744073709551615ull}));
  EXPECT_EQ(f.read<float>("/cube", &s).at(23), 23.0f);
  EXPECT_EQ(s, (Shape{2, 3, 4}));
  EXPECT_EQ(f.read_rows<float>("/cube", 1, 1).front(), 12.0f);
  EXPECT_EQ(f.read_rows<float>("/cube", 1, 1).size(), 12u);
  EXPECT_TRUE(f.read<float>("/empty", &s).empty());
  EXPECT_EQ(s, (Shape{0, 3, 4}));
  EXPECT_EQ(f.type_class("/u64"), H5T_INTEGER);
  EXPECT_EQ(f.type_class("/cube"), H5T_FLOAT);
  EXPECT_TRUE(f.exists("/g/f"));
  EXPECT_FALSE(f.exists("/g/nothing"));
  EXPECT_FALSE(f.exists("/nothing/deeper"));
}

TEST(H5File, ChunksByRowsOfTheFirstAxis) {
  TempDir dir;
  {
    File f = File::create(dir / "a.h5");
    f.write("/x", std::vector<float>(100 * 5 * 2), {100, 5, 2}, 64);
    f.close();
  }
  const File f = File::open_read(dir / "a.h5");
  DatasetId ds(H5Dopen2(f.id(), "/x", H5P_DEFAULT));
  PropListId dcpl(H5Dget_create_plist(ds.get()));
  ASSERT_EQ(H5Pget_layout(dcpl.get()), H5D_CHUNKED);
  hsize_t chunk[3] = {};
  ASSERT_EQ(H5Pget_chunk(dcpl.get(), 3, chunk), 3);
  EXPECT_EQ(chunk[0], 64u);
  EXPECT_EQ(chunk[1], 5u);
  EXPECT_EQ(chunk[2], 2u);
}

TEST(H5File, StringsAndAttributesRoundTrip) {
  TempDir dir;
  {
    File f = File::create(dir / "a.h5");
    f.write_strings("/s", {"blues.00042", "", "café/ünïcode"});
    f.write_strings("/none", {});
    f.write_attr("/", "n", std::int64_t{22050});
    f.write_attr("/", "x", 3.0);
    f.write_attr("/", "name", std::string("mfcc"));
    f.write_attr("/", "list", std::vector<std::string>{"blues", "jazz"});
    f.write_attr("/", "empty", std::vector<std::string>{});
    f.write_attr("/s", "on_dataset", std::int64_t{-1});
    f.write_attr("/", "n", std::int64_t{44100});  // replaces
    f.close();
  }
  const File f = File::open_read(dir / "a.h5");
  EXPECT_EQ(f.read_strings("/s"), (std::vector<std::string>{"blues.00042", "", "café/ünïcode"}));
  EXPECT_TRUE(f.read_strings("/none").empty());
  EXPECT_EQ(f.read_attr_int("/", "n"), 44100);
  EXPECT_EQ(f.read_attr_double("/", "x"), 3.0);
  EXPECT_EQ(f.read_attr_double("/", "n"), 44100.0);
  EXPECT_EQ(f.read_attr_string("/", "name"), "mfcc");
  EXPECT_EQ(f.read_attr_strings("/", "list"), (std::vector<std::string>{"blues", "jazz"}));
  EXPECT_TRUE(f.read_attr_strings("/", "empty").empty());
  EXPECT_EQ(f.read_attr_int("/s", "on_dataset"), -1);
  EXPECT_TRUE(f.has_attr("/", "list"));
  EXPECT_FALSE(f.has_attr("/", "absent"));
}

TEST(H5File, ErrorsNameTheFileTheObjectAndHdf5sReason) {
  TempDir dir;
  genre::test::write_file(dir / "text.h5", "this is not HDF5\n");
  const std::string not_hdf5 = error_of([&] { File::open_read(dir / "text.h5"); });
  EXPECT_NE(not_hdf5.find((dir / "text.h5").string()), std::string::npos) << not_hdf5;
  EXPECT_NE(not_hdf5.find("signature"), std::string::npos) << not_hdf5;

  const std::string missing = error_of([&] { File::open_read(dir / "absent.h5"); });
  EXPECT_NE(missing.find("absent.h5: no such file"), std::string::npos) << missing;

  {
    File f = File::create(dir / "a.h5");
    f.write_attr("/", "name", std::string("mfcc"));
    f.write<float>("/x", {1, 2}, {2});
    EXPECT_NE(error_of([&] { f.write<float>("/x", {1, 2}, {2}); }).find("/x: cannot create dataset"), std::string::npos);
    EXPECT_NE(error_of([&] { f.write<float>("/y", {1, 2}, {3}); }).find("shape holds 3 values, data has 2"),
              std::string::npos);
    f.close();
  }
  const File f = File::open_read(dir / "a.h5");
  const std::string no_dataset = error_of([&] { f.read<float>("/segments/label"); });
  EXPECT_NE(no_dataset.find("a.h5: /segments/label: missing dataset"), std::string::npos) << no_dataset;
  const std::string wrong_type = error_of([&] { f.read_attr_int("/", "name"); });
  EXPECT_NE(wrong_type.find("attribute 'name' is not an integer"), std::string::npos) << wrong_type;
  const std::string no_attr = error_of([&] { f.read_attr_int("/", "n_fft"); });
  EXPECT_NE(no_attr.find("a.h5: /: missing attribute 'n_fft'"), std::string::npos) << no_attr;
  const std::string rows = error_of([&] { f.read_rows<float>("/x", 1, 5); });
  EXPECT_NE(rows.find("out of range"), std::string::npos) << rows;
  const std::string not_strings = error_of([&] { f.read_strings("/x"); });
  EXPECT_NE(not_strings.find("/x: expected strings"), std::string::npos) << not_strings;
}

}  // namespace
}  // namespace genre::data::h5
