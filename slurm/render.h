#pragma once
// A job spec rendered into batch scripts, one per stage, in submission order
// (each one runs after the previous one succeeded). Pure: no file is written
// and nothing is submitted here.
#include <filesystem>
#include <string>
#include <vector>

#include "slurm/job_spec.h"

namespace genre::slurm {

struct BatchScript {
  Stage stage;
  std::string job_name;        // <spec name>-<stage>
  std::filesystem::path file;  // where submit writes it: <log folder>/<job name>.sbatch
  std::filesystem::path log;   // the job's log, with %j for the job id
  std::string text;
};

std::vector<BatchScript> render_jobs(const JobSpec& spec);

// Fills @NAME@ placeholders; throws Error if one is left unfilled (a template
// and its renderer disagree) or a value names one that is not there.
std::string fill_template(std::string_view text, const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace genre::slurm
