#pragma once
// The output lock (common/output_lock.h) taken for an MPI command: rank 0
// locks the folder, and every rank hears the outcome in one broadcast, so a
// refused run ends on every rank with the same one line (exit 75).
#include <filesystem>
#include <memory>
#include <string>

#include "common/output_lock.h"
#include "dist/mpi.h"

namespace genre::app {

// Collective over world. Returns the lock on rank 0 (held until it is
// destroyed), null on the other ranks; throws OutputBusy (or Error) on every
// rank when rank 0 could not take it.
std::unique_ptr<OutputLock> lock_output(const dist::Comm& world, const std::filesystem::path& dir,
                                        const std::string& command);

}  // namespace genre::app
