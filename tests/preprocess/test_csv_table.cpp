#include <gtest/gtest.h>

#include "dsp/feature_table.h"
#include "preprocess/csv_table.h"
#include "support/test_support.h"

using namespace genre;
using genre::test::TempDir;
using genre::test::write_file;

namespace {

std::string header() {
  std::string h = "filename";
  for (const auto& c : dsp::FeatureTable::columns()) h += "," + c;
  return h + ",label\n";
}

// One row of `values` (the `length` column first), named and labelled.
std::string row(const std::string& filename, const std::string& label, const std::string& first_value = "66149") {
  std::string r = filename + "," + first_value;
  for (std::size_t i = 1; i < dsp::FeatureTable::columns().size(); ++i) r += ",0.5";
  return r + "," + label + "\n";
}

}  // namespace

// #13.16: Excel writes a UTF-8 BOM first; it used to be part of "filename".
TEST(FeatureCsv, AByteOrderMarkBeforeTheHeaderIsDropped) {
  TempDir d;
  write_file(d / "f.csv", "\xEF\xBB\xBF" + header() + row("blues.00000.0.wav", "blues"));
  const auto csv = preprocess::read_feature_csv(d / "f.csv", {});
  ASSERT_EQ(csv.rows.size(), 1u);
  EXPECT_EQ(csv.rows[0].filename, "blues.00000.0.wav");
}

// #13.16: the error names the cell, cut, not the 10 MB of it.
TEST(FeatureCsv, AHugeBadCellIsCutInTheError) {
  TempDir d;
  write_file(d / "f.csv", header() + row("a.0.wav", "blues", std::string(10'000'000, '9') + "x"));
  const std::string e = test::error_of([&] { preprocess::read_feature_csv(d / "f.csv", {}); });
  EXPECT_NE(e.find("f.csv:2: column 'length': '999"), std::string::npos) << e.substr(0, 200);
  EXPECT_NE(e.find("…' is not a finite number"), std::string::npos) << e.substr(0, 200);
  EXPECT_LT(e.size(), 300u) << e.substr(0, 200);
}

// #13.12: a Latin-1 label is an error naming line and column, not a JSON abort later.
TEST(FeatureCsv, ALabelThatIsNotUtf8NamesTheLine) {
  TempDir d;
  write_file(d / "f.csv", header() + row("a.0.wav", "blues") + row("b.0.wav", "fran\xE7" "aise"));
  const std::string e = test::error_of([&] { preprocess::read_feature_csv(d / "f.csv", {}); });
  EXPECT_NE(e.find("f.csv:3: column 'label': 'fran\\xE7aise' is not valid UTF-8"), std::string::npos) << e;
}
