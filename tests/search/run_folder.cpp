#include "run_folder.h"

#include <regex>

#include "search/journal.h"
#include "search/leaderboard.h"

namespace genre::search::test {

std::vector<nlohmann::json> of_kind(const std::vector<nlohmann::json>& events, const std::string& kind) {
  std::vector<nlohmann::json> out;
  for (const auto& e : events)
    if (e["event"] == kind) out.push_back(e);
  return out;
}

std::vector<nlohmann::json> of_kind(const std::filesystem::path& run, const std::string& kind) {
  return of_kind(read_journal(run / "journal.jsonl").events, kind);
}

std::string board(const std::filesystem::path& run) {
  const SweepState s = load_sweep(run);
  return std::regex_replace(leaderboard_csv(make_leaderboard(s)), std::regex(",[0-9.]+,(finished|pruned|failed|running)\n"),
                            ",$1\n");
}

}  // namespace genre::search::test
