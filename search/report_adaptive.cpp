#include "search/report_adaptive.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "search/json_values.h"
#include "search/svg_plot.h"

namespace genre::search {

namespace {

using svg::escape;

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * share);
  return buf;
}

// Rows in trial order (the order they started).
std::vector<const LeaderboardRow*> by_trial(const Leaderboard& lb) {
  std::vector<const LeaderboardRow*> rows;
  for (const auto& r : lb.rows) rows.push_back(&r);
  std::sort(rows.begin(), rows.end(), [](auto a, auto b) { return a->trial.id < b->trial.id; });
  return rows;
}

void importance_html(std::ostringstream& o, const std::vector<ParamImportance>& imp) {
  o << "<h2>Parameter importance</h2>";
  if (imp.empty()) {
    o << "<p class=\"note\">Too few trials with a value (or no parameter that varies) to say.</p>";
    return;
  }
  const int bar = 360, row = 20, label = 200;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << label + bar + 70 << "\" height=\""
    << row * static_cast<int>(imp.size()) + 6 << "\" font-family=\"sans-serif\" font-size=\"11\">";
  for (std::size_t i = 0; i < imp.size(); ++i) {
    const int y = static_cast<int>(i) * row + 3;
    o << "<text x=\"" << label - 6 << "\" y=\"" << y + 13 << "\" text-anchor=\"end\">" << escape(imp[i].name) << "</text>"
      << "<rect x=\"" << label << "\" y=\"" << y + 2 << "\" width=\"" << px(bar * imp[i].importance) << "\" height=\""
      << row - 6 << "\" fill=\"#1f77b4\"><title>" << escape(imp[i].name) << ": " << percent(imp[i].importance)
      << "</title></rect><text x=\"" << px(label + bar * imp[i].importance + 4) << "\" y=\"" << y + 13 << "\">"
      << percent(imp[i].importance) << "</text>";
  }
  o << "</svg><p class=\"note\">Permutation importance of a random forest fitted to each trial's best value: the "
       "share of the forest's out-of-bag error added by shuffling that parameter.</p>";
}

void best_so_far_html(std::ostringstream& o, const Leaderboard& lb) {
  o << "<h2>Best so far</h2>";
  svg::Series trials{"best " + lb.metric + " after each trial", {}, "#2ca02c", false, 2.0};
  svg::Series clock{"best " + lb.metric + " over wall time", {}, "#2ca02c", false, 2.0};
  std::optional<double> best;
  double t0 = HUGE_VAL;
  for (const auto& r : lb.rows) t0 = std::min(t0, r.trial.started_at);
  std::vector<std::pair<double, double>> ends;  // (seconds since the first start, value)
  for (const LeaderboardRow* r : by_trial(lb)) {
    if (!r->value) continue;
    if (!best || (lb.maximize ? *r->value > *best : *r->value < *best)) best = r->value;
    trials.points.emplace_back(r->trial.id + 1, *best);
    ends.emplace_back(r->trial.started_at + r->trial.wall_s - t0, *r->value);
  }
  std::sort(ends.begin(), ends.end());
  double best_then = 0;  // a plain double: GCC 12 misreads a reused optional here
  for (std::size_t i = 0; i < ends.size(); ++i) {
    const double v = ends[i].second;
    if (i == 0 || (lb.maximize ? v > best_then : v < best_then)) best_then = v;
    clock.points.emplace_back(ends[i].first, best_then);
  }
  if (trials.points.empty()) {
    o << "<p class=\"note\">No trial has a value yet.</p>";
    return;
  }
  o << "<div class=\"grid\"><div class=\"card\">"
    << svg::line_chart({trials}, {"trials", lb.metric, false, {}, true}, 420, 240) << "</div><div class=\"card\">"
    << svg::line_chart({clock}, {"wall time (s)", lb.metric, false, {}, false}, 420, 240)
    << "</div></div><p class=\"note\">The best " << escape(lb.metric)
    << " among the trials so far, against the trial number and against the time each trial ended.</p>";
}

// One vertical axis per parameter and one for the metric; each trial a line.
void parallel_html(std::ostringstream& o, const Leaderboard& lb) {
  const std::vector<std::string> names = lb.param_names;
  if (names.empty()) return;
  struct Axis {
    std::string name;
    bool numeric = true, log = false;
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    std::vector<std::string> categories;
  };
  std::vector<Axis> axes;
  for (const auto& name : names) {
    Axis a;
    a.name = name;
    std::set<std::string> seen;
    for (const auto& r : lb.rows) {
      const auto it = r.trial.params.find(name);
      if (it == r.trial.params.end()) continue;
      if (!it->is_number()) a.numeric = false;
      const std::string text = format_value(*it);
      if (seen.insert(text).second) a.categories.push_back(text);
      if (it->is_number()) a.lo = std::min(a.lo, it->get<double>()), a.hi = std::max(a.hi, it->get<double>());
    }
    if (a.categories.empty()) continue;
    if (a.numeric && a.categories.size() <= 4) a.numeric = false;
    if (!a.numeric) std::sort(a.categories.begin(), a.categories.end());
    a.log = a.numeric && a.lo > 0 && a.hi / a.lo >= 50;
    axes.push_back(std::move(a));
  }
  Axis metric;
  metric.name = lb.metric;
  for (const auto& r : lb.rows)
    if (r.value) metric.lo = std::min(metric.lo, *r.value), metric.hi = std::max(metric.hi, *r.value);
  if (!(metric.lo <= metric.hi)) return;
  axes.push_back(metric);

  const int w = std::max(480, 130 * static_cast<int>(axes.size())), h = 300, top = 24, bottom = 40;
  const double step = static_cast<double>(w - 80) / static_cast<double>(std::max<std::size_t>(1, axes.size() - 1));
  const auto ax_x = [&](std::size_t i) { return 40 + step * static_cast<double>(i); };
  // Where a value sits on its axis, 0 (bottom) .. 1 (top); NaN when absent (an inactive parameter).
  const auto place = [&](const Axis& a, const nlohmann::json* v) -> double {
    if (!v) return std::nan("");
    if (!a.numeric) {
      const auto it = std::find(a.categories.begin(), a.categories.end(), format_value(*v));
      return a.categories.size() == 1 ? 0.5 : static_cast<double>(it - a.categories.begin()) / (a.categories.size() - 1);
    }
    double x = v->get<double>(), lo = a.lo, hi = a.hi;
    if (a.log) x = std::log(x), lo = std::log(lo), hi = std::log(hi);
    return hi > lo ? (x - lo) / (hi - lo) : 0.5;
  };
  const auto sy = [&](double u) { return h - bottom - u * (h - top - bottom); };
  o << "<h2>Parallel coordinates</h2><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
    << "\" font-family=\"sans-serif\" font-size=\"10\">";
  // Trials, worst first so the best are drawn on top; colour from the metric.
  std::vector<const LeaderboardRow*> rows;
  for (const auto& r : lb.rows)
    if (r.value) rows.push_back(&r);
  std::reverse(rows.begin(), rows.end());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const LeaderboardRow* r = rows[k];
    nlohmann::json value = *r->value;
    const double q = place(metric, &value);
    // Colour by rank, not by value: one outlier would make every other trial look alike.
    const double good = rows.size() > 1 ? static_cast<double>(k) / static_cast<double>(rows.size() - 1) : 1.0;
    char colour[16];
    std::snprintf(colour, sizeof colour, "#%02x%02x%02x", static_cast<int>(220 - 190 * good), static_cast<int>(80 + 100 * good),
                  static_cast<int>(60 + 20 * good));
    o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-opacity=\"0.7\" stroke-width=\""
      << (r == lb.best() ? 3 : 1.2) << "\" points=\"";
    for (std::size_t i = 0; i + 1 < axes.size(); ++i) {
      const auto it = r->trial.params.find(axes[i].name);
      const double u = place(axes[i], it == r->trial.params.end() ? nullptr : &*it);
      if (!std::isnan(u)) o << px(ax_x(i)) << "," << px(sy(u)) << " ";
    }
    o << px(ax_x(axes.size() - 1)) << "," << px(sy(q)) << "\"><title>trial " << r->trial.id << ": "
      << escape(fixed(r->value, 4)) << "</title></polyline>";
  }
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const Axis& a = axes[i];
    o << "<line x1=\"" << px(ax_x(i)) << "\" x2=\"" << px(ax_x(i)) << "\" y1=\"" << top << "\" y2=\"" << h - bottom
      << "\" stroke=\"#444\"/><text x=\"" << px(ax_x(i)) << "\" y=\"" << h - bottom + 16 << "\" text-anchor=\"middle\">"
      << escape(a.name.substr(0, 24)) << (a.log ? " (log)" : "") << "</text>";
    const auto label = [&](double u, const std::string& text) {
      o << "<text x=\"" << px(ax_x(i) + 3) << "\" y=\"" << px(sy(u) + 3) << "\" fill=\"#333\">" << escape(text.substr(0, 14))
        << "</text>";
    };
    if (!a.numeric) {
      for (std::size_t k = 0; k < a.categories.size(); ++k)
        label(a.categories.size() == 1 ? 0.5 : static_cast<double>(k) / (a.categories.size() - 1), a.categories[k]);
    } else {
      char lo[32], hi[32];
      std::snprintf(lo, sizeof lo, "%.4g", a.lo);
      std::snprintf(hi, sizeof hi, "%.4g", a.hi);
      label(0, lo);
      label(1, hi);
    }
  }
  o << "</svg><p class=\"note\">One line per trial with a value, through its parameters (a parameter that did not "
       "apply to it is skipped) to its "
    << escape(lb.metric) << " on the last axis; coloured by rank, green the best, red the worst, the best trial thick.</p>";
}

}  // namespace

std::vector<ParamImportance> importance_of(const Leaderboard& lb) {
  std::vector<nlohmann::json> params;
  std::vector<double> values;
  for (const auto& r : lb.rows)
    if (r.value) params.push_back(r.trial.params), values.push_back(*r.value);
  return parameter_importance(lb.param_names, params, values);
}

std::string importance_markdown(const Leaderboard& lb) {
  const auto imp = importance_of(lb);
  if (imp.empty()) return "";
  std::ostringstream o;
  o << "\n## Parameter importance\n\nShare of `" << lb.metric
    << "`'s variation each parameter explains (permutation importance of a random forest over the trials' best values).\n\n"
       "| parameter | importance |\n|---|---:|\n";
  for (const auto& p : imp) o << "| " << p.name << " | " << percent(p.importance) << " |\n";
  return o.str();
}

std::string adaptive_sections_html(const Leaderboard& lb) {
  std::ostringstream o;
  importance_html(o, importance_of(lb));
  best_so_far_html(o, lb);
  parallel_html(o, lb);
  return o.str();
}

}  // namespace genre::search
