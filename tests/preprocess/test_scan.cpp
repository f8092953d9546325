#include <gtest/gtest.h>

#include "common/error.h"
#include "preprocess/scan.h"
#include "support/test_support.h"

using namespace genre;
using genre::test::TempDir;
using genre::test::write_file;

TEST(Scan, FolderLabelsIdsAndLargestFirst) {
  TempDir d;
  std::filesystem::create_directories(d / "rock");
  std::filesystem::create_directories(d / "blues/live");
  std::filesystem::create_directories(d / ".hidden");
  write_file(d / "rock/rock.00000.wav", std::string(10, 'x'));
  write_file(d / "rock/notes.txt", "not audio by extension");
  write_file(d / "blues/blues.00000.WAV", std::string(30, 'x'));
  write_file(d / "blues/live/set.flac", std::string(20, 'x'));
  write_file(d / ".hidden/x.wav", "ignored");
  write_file(d / "loose.wav", "no class folder");

  const auto c = preprocess::scan_folder(d.path());
  ASSERT_EQ(c.classes, (std::vector<std::string>{"blues", "rock"}));
  ASSERT_EQ(c.files.size(), 3u);
  EXPECT_EQ(c.files[0].path, "blues/blues.00000.WAV");  // 30 bytes: largest first
  EXPECT_EQ(c.files[0].id, "blues.00000");
  EXPECT_EQ(c.files[0].label, 0);
  EXPECT_EQ(c.files[1].path, "blues/live/set.flac");
  EXPECT_EQ(c.files[1].label, 0);
  EXPECT_EQ(c.files[2].label, 1);
  EXPECT_EQ(c.files[2].size_bytes, 10u);
  ASSERT_EQ(c.failed.size(), 1u);
  EXPECT_EQ(c.failed[0].path, "loose.wav");
}

TEST(Scan, CollidingStemsGetPathIds) {
  TempDir d;
  std::filesystem::create_directories(d / "a");
  std::filesystem::create_directories(d / "b");
  write_file(d / "a/song.wav", "1");
  write_file(d / "b/song.wav", "22");
  const auto c = preprocess::scan_folder(d.path());
  ASSERT_EQ(c.files.size(), 2u);
  EXPECT_EQ(c.files[0].id, "b/song");
  EXPECT_EQ(c.files[1].id, "a/song");
}

TEST(Scan, ListWithMissingFilesAndQuotes) {
  TempDir d;
  std::filesystem::create_directories(d / "audio");
  write_file(d / "audio/one.wav", "1111");
  write_file(d / "audio/two, live.mp3", "22");
  write_file(d / "list.csv", "id,path,label\nx,audio/one.wav,jazz\ny,\"audio/two, live.mp3\",pop\nz,audio/gone.wav,pop\n");
  const auto c = preprocess::scan_list(d / "list.csv");
  EXPECT_EQ(c.classes, (std::vector<std::string>{"jazz", "pop"}));
  ASSERT_EQ(c.files.size(), 2u);
  EXPECT_EQ(c.files[1].path, "audio/two, live.mp3");
  EXPECT_EQ(c.files[1].label, 1);
  ASSERT_EQ(c.failed.size(), 1u);
  EXPECT_EQ(c.failed[0].reason, "file not found");
}

TEST(Scan, MalformedListsNameTheLine) {
  TempDir d;
  write_file(d / "nolabel.csv", "path\na.wav\n");
  try {
    preprocess::scan_list(d / "nolabel.csv");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(":1: no 'label' column"), std::string::npos) << e.what();
  }
  write_file(d / "ragged.csv", "path,label\na.wav,pop\nb.wav\n");
  try {
    preprocess::scan_list(d / "ragged.csv");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("ragged.csv:3"), std::string::npos) << e.what();
  }
  write_file(d / "a.wav", "1");
  write_file(d / "twice.csv", "path,label\na.wav,pop\na.wav,rock\n");
  EXPECT_THROW(preprocess::scan_list(d / "twice.csv"), UsageError);
}
