#pragma once
// A scratch workdir with what a job spec points at (an audio folder, a sweep
// spec, an executable standing in for genre), for the spec and render tests.
#include <filesystem>
#include <string>

#include "slurm/job_spec.h"
#include "support/test_support.h"

namespace genre::slurm::test {

struct SpecFixture {
  genre::test::TempDir dir;
  SpecContext context;

  SpecFixture() {
    std::filesystem::create_directories(dir / "corpus/blues");
    std::filesystem::create_directories(dir / "jobs");
    genre::test::write_file(dir / "jobs/sweep.yaml", "method: grid\n");
    context.cwd = dir.path();
    context.self = "/bin/true";  // any executable: the spec checks that it exists
  }

  JobSpec parse(const std::string& yaml) const { return parse_job_spec(yaml, "x.yaml", context); }

  // The message parse() throws, or "" when it parses.
  std::string error(const std::string& yaml) const {
    try {
      parse(yaml);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
};

inline const char* kPipeline = R"(
name: demo
resources: {time: "00:30:00", partition: debug}
preprocess:
  input: corpus
  output: dataset
  resources: {ntasks-per-node: 2}
search:
  spec: jobs/sweep.yaml
  out: runs/demo
  resources: {ntasks-per-node: 3, time: "2:00:00"}
)";

}  // namespace genre::slurm::test
