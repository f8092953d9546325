// The whole row: librosa's 57 summary numbers (features57.csv, the Kaggle
// features_3_sec.csv columns) for every reference signal, in both pad modes.
#include "dsp/feature_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/error.h"
#include "dsp/feature_extractor.h"
#include "table_test_util.h"

namespace genre::dsp {
namespace {

using test::read_named_values;
using test::reference_floats;
using test::reference_name;

StftParams stft(PadMode mode) {
  StftParams p;
  p.pad_mode = mode;
  return p;
}

TEST(FeatureTable, ColumnsAreKagglesSpelling) {
  const auto& c = FeatureTable::columns();
  ASSERT_EQ(c.size(), 58u);
  EXPECT_EQ(c[0], "length");
  EXPECT_EQ(c[1], "chroma_stft_mean");
  EXPECT_EQ(c[13], "harmony_mean");
  EXPECT_EQ(c[16], "perceptr_var");
  EXPECT_EQ(c[17], "tempo");
  EXPECT_EQ(c[18], "mfcc1_mean");
  EXPECT_EQ(c[57], "mfcc20_var");
}

TEST(FeatureTable, RowMatchesLibrosaFeatures57InBothPadModes) {
  for (PadMode mode : {PadMode::Constant, PadMode::Reflect}) {
    FeatureTable table(stft(mode));
    for (const std::string& name : genre::test::reference_signals()) {
      const std::vector<float> y = reference_floats(name + "/signal.csv");
      std::vector<float> row(FeatureTable::columns().size());
      table.compute(y.data(), y.size(), row.data());
      EXPECT_EQ(row[0], 66150.0f);
      const std::string file = reference_name(name, mode, "features57");
      const auto expected = read_named_values(file);
      ASSERT_EQ(expected.size(), 57u) << file;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& [column, value] = expected[i];
        ASSERT_EQ(FeatureTable::columns()[i + 1], column) << file;
        const double got = row[i + 1];
        if (column == "tempo") {
          EXPECT_NEAR(got, value, 1e-4) << file << ": tempo";  // the same lag: neighbours are BPMs apart
        } else if (column == "harmony_mean" || column == "perceptr_mean") {
          EXPECT_NEAR(got, value, 1e-6) << file << ": " << column;
        } else if (name == "noise" && (column == "harmony_var" || column == "perceptr_var")) {
          EXPECT_NEAR(got, value, 1e-3 * std::fabs(value)) << file << ": " << column;
        } else {
          EXPECT_NEAR(got, value, 1e-3 * std::fabs(value) + 1e-6) << file << ": " << column;
        }
      }
    }
  }
}

TEST(FeatureTable, LogMelIsTheFrontEndsLogMel) {
  // The table's log-mel is reused as the segment features: it must be the
  // extractor's, bit for bit.
  FeatureParams fp;
  fp.kind = FeatureKind::LogMel;
  auto fx = make_feature_extractor(fp);
  FeatureTable table(fp.stft);
  const std::vector<float> y = reference_floats("chirp/signal.csv");
  std::vector<float> expected(fx->frames(y.size()) * fx->dims()), row(FeatureTable::columns().size());
  fx->compute(y.data(), y.size(), expected.data());
  table.compute(y.data(), y.size(), row.data());
  ASSERT_EQ(table.log_mel().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(table.log_mel()[i], expected[i]) << i;
}

TEST(FeatureTable, ShortAndLongSignals) {
  FeatureTable table(StftParams{});
  std::vector<float> row(FeatureTable::columns().size());
  // One sample: librosa pads it to one frame; every column is finite.
  const std::vector<float> one{0.25f};
  table.compute(one.data(), one.size(), row.data());
  EXPECT_EQ(row[0], 1.0f);
  // A whole 30-s track (the features_30_sec row) after a segment: scratch grows.
  std::vector<float> y(661794);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(0.3 * std::sin(0.05 * static_cast<double>(i)));
  table.compute(y.data(), y.size(), row.data());
  EXPECT_EQ(row[0], 661794.0f);
  for (float v : row) EXPECT_TRUE(std::isfinite(v));
  EXPECT_THROW(table.compute(y.data(), 0, row.data()), Error);
}

}  // namespace
}  // namespace genre::dsp
