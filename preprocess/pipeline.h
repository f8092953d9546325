#pragma once
// `genre preprocess` end to end, collective over the communicator: rank 0
// scans the collection and the output folder, every rank processes files
// handed out dynamically and writes its own shards, rank 0 writes dataset.json.
#include "data/manifest.h"
#include "dist/mpi.h"
#include "preprocess/config.h"

namespace genre::preprocess {

struct PreprocessResult {
  data::Manifest manifest;  // on rank 0; default elsewhere
  std::size_t processed = 0, reused = 0, failed = 0;
};

// Throws UsageError (on every rank) for problems found before any work:
// unreadable list, nothing to process, output made with other parameters.
PreprocessResult run_preprocess(const PreprocessConfig& config, const dist::Comm& comm);

}  // namespace genre::preprocess
