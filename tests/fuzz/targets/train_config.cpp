// The training config (`genre train --config`), through its file entry
// point: parse, then validate. Inputs that parse also go through the JSON
// round trip the search coordinator uses, which must give the same config.
#include <stdexcept>

#include "fuzz_input.h"
#include "train/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = genre::fuzz::input_file(data, size, "config.yaml");
  genre::fuzz::expect_clean(file.string(), [&] {
    using namespace genre::train;
    const TrainConfig c = load_config(file, {});
    const nlohmann::json j = to_json(c);
    if (to_json(config_from_json(j, file.string())) != j) throw std::logic_error("to_json/config_from_json differ");
  });
  return 0;
}
