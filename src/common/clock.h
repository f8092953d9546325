#pragma once
// Wall-clock time as files record it.
#include <string>

namespace genre {

// The time now in ISO 8601 UTC, to the second ("2026-12-02T09:12:51Z"): a
// manifest's `created`, a lock file's `started`.
std::string utc_now();

}  // namespace genre
