// dataset.json (src/data/manifest.h), through the entry point every command
// opens a dataset with.
#include "data/manifest.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = genre::fuzz::input_file(data, size, "dataset.json");
  genre::fuzz::expect_clean(file.string(), [&] { genre::data::load_manifest(file); });
  return 0;
}
