// The SLURM job spec (`genre submit`, slurm/job_spec.h): parsed and
// validated in one call; relative paths resolve in an empty folder.
#include "fuzz_input.h"
#include "slurm/job_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string origin = "job.yaml";
  const genre::slurm::SpecContext context{genre::fuzz::scratch(), "/usr/local/bin/genre"};
  genre::fuzz::expect_clean(origin, [&] { genre::slurm::parse_job_spec(text, origin, context); });
  return 0;
}
