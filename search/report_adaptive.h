#pragma once
// The report's views of a search as a whole (issue 14): parameter importance
// (importance.h), the best value so far against trials and wall time, and a
// parallel-coordinates plot of every trial's parameters and metric. Shared by
// report.html (inline SVG) and leaderboard.md (the importance table).
#include <string>
#include <vector>

#include "search/importance.h"
#include "search/leaderboard.h"

namespace genre::search {

// Importance of the swept parameters for the ranked metric, over the trials
// that have a value.
std::vector<ParamImportance> importance_of(const Leaderboard& lb);
// A markdown section with the importance table ("" when there is none).
std::string importance_markdown(const Leaderboard& lb);
// The HTML sections: importance bars, best-so-far curves, parallel coordinates.
std::string adaptive_sections_html(const Leaderboard& lb);

}  // namespace genre::search
