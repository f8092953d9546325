#pragma once
// Logging through spdlog. Every line carries the MPI rank (set once, after MPI
// start-up) so interleaved output from many ranks stays readable.
#include <spdlog/spdlog.h>

namespace genre::log {

// Installs the stderr logger with "[genre rank R] level: message" lines.
// quiet: only warnings and errors.
void setup(int rank, bool quiet);

}  // namespace genre::log
