#pragma once
// What the search tests read back from a sweep's run folder: journal events
// of one kind, and the leaderboard with its one timing-dependent column cut.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace genre::search::test {

std::vector<nlohmann::json> of_kind(const std::vector<nlohmann::json>& events, const std::string& kind);
// The run's journal.jsonl, events of that kind.
std::vector<nlohmann::json> of_kind(const std::filesystem::path& run, const std::string& kind);
// leaderboard.csv's text without the wall-time column.
std::string board(const std::filesystem::path& run);

}  // namespace genre::search::test
