#pragma once
// The sbatch templates (slurm/templates/<stage>.sbatch.in), compiled into the
// binary. Placeholders are @NAME@; render.cpp fills them.
#include <string_view>

#include "slurm/job_spec.h"

namespace genre::slurm {

std::string_view template_text(Stage stage);

}  // namespace genre::slurm
