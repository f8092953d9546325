// The feature-CSV reader of `genre preprocess --from-csv`
// (preprocess/csv_table.h): the header check, the rows, then what the import
// does with them: telling segment rows from track rows and grouping them by
// track. The first input byte picks the --classes (none, or GTZAN's ten) so
// both label checks are reached.
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "preprocess/csv_table.h"

namespace {
const std::vector<std::string> kGtzan{"blues", "classical", "country", "disco", "hiphop",
                                      "jazz",  "metal",     "pop",     "reggae", "rock"};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool with_classes = data[0] & 1;
  const auto file = genre::fuzz::input_file(data + 1, size - 1, "features.csv");
  genre::fuzz::expect_clean(file.string(), [&] {
    using namespace genre::preprocess;
    const CsvFileRows csv = read_feature_csv(file, with_classes ? kGtzan : std::vector<std::string>{});
    const CsvRowKind kind = detect_kind(csv, 66150);  // 3-s segments at 22050 Hz
    CsvTracks tracks;
    add_rows(csv, kind, tracks);
  });
  return 0;
}
