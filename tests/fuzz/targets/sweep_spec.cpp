// The sweep spec (`genre search --spec`, search/spec.h): parse, validate,
// count the trials and build the first trial's config, all of which run
// before any work starts. `base:` file names resolve in an empty folder.
#include "fuzz_input.h"
#include "search/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string origin = "sweep.yaml";
  genre::fuzz::expect_clean(origin, [&] {
    const genre::search::SweepSpec s = genre::search::parse_spec_text(text, origin, genre::fuzz::scratch());
    s.validate();
    s.trial_count();
    genre::search::self_contained(text, s);
  });
  return 0;
}
