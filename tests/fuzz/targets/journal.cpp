// The sweep journal reader (search/journal.h): what resume and the
// leaderboard read after a crash, so torn and damaged lines are expected.
#include "fuzz_input.h"
#include "search/journal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = genre::fuzz::input_file(data, size, "journal.jsonl");
  genre::fuzz::expect_clean(file.string(), [&] {
    const genre::search::JournalContents j = genre::search::read_journal(file);
    if (j.complete_bytes > size) throw std::logic_error("complete_bytes beyond the file");
  });
  return 0;
}
