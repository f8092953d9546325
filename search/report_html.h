#pragma once
// report.html: one self-contained page (inline CSS, a small inline script for
// sorting the table, inline SVG charts; no external assets) showing the
// leaderboard, every trial's learning curves, the best trial's confusion
// matrix, and how each swept parameter relates to the metric.
#include <string>

#include "search/leaderboard.h"

namespace genre::search {

std::string report_html(const Leaderboard& lb, const SweepState& state);

}  // namespace genre::search
