#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "audio/file_walk.h"
#include "common/error.h"
#include "support/test_support.h"

using namespace genre;
using genre::test::TempDir;
using genre::test::write_file;
namespace fs = std::filesystem;

namespace {

std::string reason_for(const audio::AudioFiles& found, const fs::path& p) {
  for (const auto& s : found.skipped)
    if (s.path == p) return s.reason;
  return "(not skipped)";
}

}  // namespace

TEST(FileWalk, BadEntriesAreReportedOnceAndTheRestIsFound) {
  TempDir d;
  fs::create_directories(d / "rock/live");
  write_file(d / "rock/a.wav", "1");
  write_file(d / "rock/live/b.FLAC", "2");
  write_file(d / "rock/cover.jpg", "not audio, not reported");
  write_file(d / "rock/c.m4a", "unsupported");
  fs::create_directory_symlink("..", d / "rock/live/loop");     // back to rock/
  fs::create_symlink(d / "gone.wav", d / "rock/dangling.wav");  // points nowhere
  fs::create_directory_symlink(d / "rock", d / "the-same-rock");  // a second way into rock/

  const audio::AudioFiles found = audio::find_audio_files(d.path());
  EXPECT_EQ(found.files, (std::vector<fs::path>{d / "rock/a.wav", d / "rock/live/b.FLAC"}));
  ASSERT_EQ(found.skipped.size(), 4u);
  EXPECT_EQ(reason_for(found, d / "rock/live/loop"), "symbolic link loop: leads back to " + (d / "rock").string());
  EXPECT_EQ(reason_for(found, d / "rock/dangling.wav"), "dangling symbolic link (to " + (d / "gone.wav").string() + ")");
  EXPECT_NE(reason_for(found, d / "rock/c.m4a").find("unsupported audio format (.m4a)"), std::string::npos);
  EXPECT_NE(reason_for(found, d / "the-same-rock").find("already searched"), std::string::npos);
}

TEST(FileWalk, AnUnreadableSubfolderIsSkippedWithItsPath) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every folder";
  TempDir d;
  fs::create_directories(d / "a/locked");
  write_file(d / "a/one.wav", "1");
  write_file(d / "a/locked/two.wav", "2");
  ::chmod((d / "a/locked").c_str(), 0);
  const audio::AudioFiles found = audio::find_audio_files(d.path());
  ::chmod((d / "a/locked").c_str(), 0755);
  EXPECT_EQ(found.files, (std::vector<fs::path>{d / "a/one.wav"}));
  ASSERT_EQ(found.skipped.size(), 1u);
  EXPECT_EQ(found.skipped[0].path, d / "a/locked");
  EXPECT_EQ(found.skipped[0].reason, "cannot read the folder: Permission denied");
}

TEST(FileWalk, AMissingFolderThrowsNamingIt) {
  TempDir d;
  const std::string e = test::error_of([&] { audio::find_audio_files(d / "missing"); });
  EXPECT_NE(e.find((d / "missing").string() + ": cannot read: No such file or directory"), std::string::npos) << e;
}
