#include <gtest/gtest.h>

#include "common/error.h"
#include "preprocess/config.h"
#include "support/test_support.h"

using namespace genre;

namespace {
preprocess::PreprocessConfig valid(const genre::test::TempDir& d) {
  preprocess::PreprocessConfig c;
  c.input = d.path();
  c.output = d / "out";
  return c;
}
std::string error_of(preprocess::PreprocessConfig c) {
  try {
    c.validate();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(PreprocessConfig, ValidDefaults) {
  genre::test::TempDir d;
  auto c = valid(d);
  EXPECT_NO_THROW(c.validate());
  EXPECT_EQ(c.segment_samples(), 66150u);
  EXPECT_EQ(c.split_spec.mode, "track");
  EXPECT_FALSE(std::filesystem::exists(d / "out")) << "validate() must create nothing";
}

TEST(PreprocessConfig, RejectsBadValuesNamingTheOption) {
  genre::test::TempDir d;
  auto c = valid(d);
  c.list = d / "x.csv";
  EXPECT_NE(error_of(c).find("exactly one of --input"), std::string::npos);
  c = valid(d);
  c.input = d / "missing";
  EXPECT_NE(error_of(c).find("--input"), std::string::npos);
  c = valid(d);
  c.segment_seconds = -1;
  EXPECT_NE(error_of(c).find("--segment-seconds"), std::string::npos);
  c = valid(d);
  c.features.n_mfcc = 200;
  EXPECT_NE(error_of(c).find("--n-mfcc"), std::string::npos);
  c = valid(d);
  c.shard_tracks = 0;
  EXPECT_NE(error_of(c).find("--shard-tracks"), std::string::npos);
  c = valid(d);
  c.split = "track:0.5,0.1";
  EXPECT_FALSE(error_of(c).empty());
  c = valid(d);
  genre::test::write_file(d / "file", "x");
  c.output = d / "file" / "out";
  EXPECT_NE(error_of(c).find("not writable"), std::string::npos);
}

TEST(PreprocessConfig, KaggleCompatIsReflectionAndOneSampleShorterSegments) {
  genre::test::TempDir d;
  auto c = valid(d);
  EXPECT_EQ(c.segment_length(), 66150u);
  c.compat = "kaggle";
  c.validate();
  EXPECT_EQ(c.segment_samples(), 66150u);
  EXPECT_EQ(c.segment_length(), 66149u);
  EXPECT_EQ(c.features.stft.pad_mode, dsp::PadMode::Reflect);
  c = valid(d);
  c.compat = "librosa08";
  EXPECT_NE(error_of(c).find("--compat"), std::string::npos);
}

TEST(PreprocessConfig, TableModesAndTheirChecks) {
  genre::test::TempDir d;
  auto c = valid(d);
  EXPECT_EQ(c.mode(), preprocess::PreprocessConfig::Mode::Audio);
  c.export_csv = d / "csv";
  EXPECT_NE(error_of(c).find("add --table"), std::string::npos);
  c.table = true;
  EXPECT_EQ(error_of(c), "");
  // Export only: --output must hold a finished dataset.
  c = valid(d);
  c.input.clear();
  c.export_csv = d / "csv";
  EXPECT_EQ(c.mode(), preprocess::PreprocessConfig::Mode::ExportOnly);
  EXPECT_NE(error_of(c).find("dataset.json does not exist"), std::string::npos);
  // From a CSV: replaces --input, needs an existing file and a track split.
  c = valid(d);
  c.from_csv = {d / "features.csv"};
  EXPECT_EQ(c.mode(), preprocess::PreprocessConfig::Mode::FromCsv);
  EXPECT_NE(error_of(c).find("only one"), std::string::npos);
  c.input.clear();
  EXPECT_NE(error_of(c).find("not an existing file"), std::string::npos);
  genre::test::write_file(d / "features.csv", "filename\n");
  EXPECT_EQ(error_of(c), "");
  c.classes = {"blues", ""};
  EXPECT_NE(error_of(c).find("--classes: an empty class name"), std::string::npos);
  c.classes = {"blues"};
  EXPECT_EQ(error_of(c), "");
  c.from_csv = {d / "features.csv", d / "features.csv", d / "features.csv"};
  EXPECT_NE(error_of(c).find("one or two files"), std::string::npos);
  c.from_csv = {d / "features.csv"};
  c.split = "segment:0.8,0.2";
  EXPECT_NE(error_of(c).find("track splits"), std::string::npos);
  // --classes belongs to --from-csv.
  c = valid(d);
  c.classes = {"blues"};
  EXPECT_NE(error_of(c).find("--classes applies to --from-csv only"), std::string::npos);
}
