#include "search/early_stop_options.h"

#include <string>

#include "common/error.h"

namespace genre::search {

namespace {
void at_least(const char* key, int v, int lo) {
  if (v < lo)
    throw UsageError(std::string("early_terminate.") + key + ": must be at least " + std::to_string(lo) + " (got " +
                     std::to_string(v) + ")");
}
}  // namespace

void MedianOptions::validate() const {
  at_least("n_startup_trials", n_startup_trials, 0);
  at_least("n_warmup_epochs", n_warmup_epochs, 0);
  at_least("interval_epochs", interval_epochs, 1);
  at_least("min_trials", min_trials, 1);
}

}  // namespace genre::search
