#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace genre::log {

void setup(int rank, bool quiet) {
  auto logger = spdlog::stderr_color_mt("genre-" + std::to_string(rank));
  logger->set_pattern("[%H:%M:%S rank " + std::to_string(rank) + "] %^%l%$: %v");
  logger->set_level(quiet ? spdlog::level::warn : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace genre::log
