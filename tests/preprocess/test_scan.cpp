#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

namespace {

const data::FailedFile* failed_entry(const preprocess::Collection& c, const std::string& path) {
  for (const auto& f : c.failed)
    if (f.path == path) return &f;
  return nullptr;
}

}  // namespace

// #13.12: a Latin-1 name used to abort the whole run in JSON (type_error.316).
TEST(Scan, NamesThatAreNotUtf8AreFailedEntriesShownEscaped) {
  TempDir d;
  std::filesystem::create_directories(d / "rock");
  std::filesystem::create_directories(d / "m\xE9tal");
  write_file(d / "rock/good.wav", "1");
  write_file(d / "rock/Mot\xF6rhead.wav", "22");
  write_file(d / "m\xE9tal/song.wav", "333");
  const auto c = preprocess::scan_folder(d.path());
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_EQ(c.files[0].path, "rock/good.wav");
  EXPECT_EQ(c.classes, (std::vector<std::string>{"rock"}));
  ASSERT_EQ(c.failed.size(), 2u);
  const auto* file = failed_entry(c, "rock/Mot\\xF6rhead.wav");
  ASSERT_NE(file, nullptr);
  EXPECT_NE(file->reason.find("file's name is not valid UTF-8"), std::string::npos) << file->reason;
  const auto* folder = failed_entry(c, "m\\xE9tal/song.wav");
  ASSERT_NE(folder, nullptr);
  EXPECT_NE(folder->reason.find("class folder's name is not valid UTF-8"), std::string::npos) << folder->reason;
  nlohmann::json j = nlohmann::json::array();
  for (const auto& f : c.failed) j.push_back({f.path, f.reason});
  EXPECT_NO_THROW(j.dump());
}

// #13.13: a link loop, a dangling link and an .m4a are reported, once each, and skipped.
TEST(Scan, BadEntriesAreFailedEntriesAndTheScanGoesOn) {
  TempDir d;
  std::filesystem::create_directories(d / "jazz/live");
  write_file(d / "jazz/a.wav", "1");
  write_file(d / "jazz/live/b.wav", "22");
  write_file(d / "jazz/c.m4a", "333");
  std::filesystem::create_directory_symlink("..", d / "jazz/live/up");
  std::filesystem::create_symlink(d / "nowhere.wav", d / "jazz/d.wav");
  const auto c = preprocess::scan_folder(d.path());
  ASSERT_EQ(c.files.size(), 2u);
  EXPECT_EQ(c.files[0].path, "jazz/live/b.wav");
  ASSERT_EQ(c.failed.size(), 3u) << c.failed[0].path;
  ASSERT_NE(failed_entry(c, "jazz/live/up"), nullptr);
  EXPECT_NE(failed_entry(c, "jazz/live/up")->reason.find("symbolic link loop"), std::string::npos);
  ASSERT_NE(failed_entry(c, "jazz/d.wav"), nullptr);
  EXPECT_NE(failed_entry(c, "jazz/d.wav")->reason.find("dangling symbolic link"), std::string::npos);
  ASSERT_NE(failed_entry(c, "jazz/c.m4a"), nullptr);
  EXPECT_NE(failed_entry(c, "jazz/c.m4a")->reason.find("unsupported audio format (.m4a)"), std::string::npos);
}

// #13.14: one id for two files used to fail only after every file was decoded.
TEST(Scan, TwoFilesOfOneTrackIdAreFoundAtScanTime) {
  TempDir d;
  std::filesystem::create_directories(d / "blues");
  std::filesystem::create_directories(d / "rock");
  write_file(d / "blues/a.mp3", "1");
  write_file(d / "blues/a.flac", "22");
  write_file(d / "rock/b.wav", "333");
  const auto c = preprocess::scan_folder(d.path());
  ASSERT_EQ(c.files.size(), 2u);
  EXPECT_EQ(c.files[1].path, "blues/a.flac");  // first by path keeps the id
  EXPECT_EQ(c.files[1].id, "a");
  ASSERT_EQ(c.failed.size(), 1u);
  EXPECT_EQ(c.failed[0].path, "blues/a.mp3");
  EXPECT_NE(c.failed[0].reason.find("the same track id as blues/a.flac"), std::string::npos)
      << c.failed[0].reason;
}

// #13.16, #13.12: a spreadsheet's BOM before the header; a label that is not UTF-8.
TEST(Scan, ListWithByteOrderMarkAndALatin1Label) {
  TempDir d;
  write_file(d / "one.wav", "1");
  write_file(d / "two.wav", "22");
  write_file(d / "list.csv", "\xEF\xBB\xBFpath,label\none.wav,pop\ntwo.wav,chanson fran\xE7" "aise\n");
  const auto c = preprocess::scan_list(d / "list.csv");
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_EQ(c.classes, (std::vector<std::string>{"pop"}));
  ASSERT_EQ(c.failed.size(), 1u);
  EXPECT_EQ(c.failed[0].path, "two.wav");
  EXPECT_NE(c.failed[0].reason.find("label 'chanson fran\\xE7aise' is not valid UTF-8"), std::string::npos)
      << c.failed[0].reason;
}
