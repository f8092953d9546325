#include "search/report_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "search/json_values.h"
#include "search/report_adaptive.h"
#include "search/svg_plot.h"

namespace genre::search {

namespace {

using svg::escape;

constexpr const char* kStyle = R"(
body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1200px}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:0.85em}
th,td{padding:3px 7px;border-bottom:1px solid #eee;text-align:right}
th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}
td.t,th.t{text-align:left}
tr.best td{background:#eaf5ea}
.st-failed{color:#b00}.st-pruned{color:#888}.st-running{color:#06c}
.grid{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #ddd;padding:4px;font-size:0.8em}
.cm td{min-width:2.2em;text-align:center}
.note{color:#666;font-size:0.85em}
)";

// Clicking a header sorts by that column (again: reversed); numbers compare as numbers.
constexpr const char* kScript = R"(
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.title = 'sort';
    th.addEventListener('click', function () {
      var asc = th.getAttribute('data-dir') !== 'asc';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-dir'); });
      th.setAttribute('data-dir', asc ? 'asc' : 'desc');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[col];
        var v = cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell.textContent.trim();
        if (v === '') return null;
        var n = Number(v);
        return isNaN(n) ? v : n;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1);
        var c = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
)";



// "val_track_accuracy" -> "train_track_accuracy" (the curve drawn beside it).
std::string train_counterpart(const std::string& metric) {
  if (metric.rfind("val_", 0) == 0) return "train_" + metric.substr(4);
  return "";
}

std::string cell(const std::string& text, bool left = false) {
  return std::string("<td") + (left ? " class=\"t\"" : "") + ">" + escape(text) + "</td>";
}
std::string num_cell(const std::optional<double>& v, int digits = 4) {
  if (!v) return "<td data-v=\"\"></td>";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", *v);
  return "<td data-v=\"" + std::string(buf) + "\">" + fixed(*v, digits) + "</td>";
}

void table(std::ostringstream& o, const Leaderboard& lb) {
  const std::vector<std::string> shown = lb.shown_params();
  o << "<table class=\"sortable\"><thead><tr><th>rank</th><th>trial</th><th class=\"t\">model</th>";
  for (const auto& p : shown) o << "<th class=\"t\">" << escape(p) << "</th>";
  o << "<th>" << escape(lb.metric) << "</th><th>best epoch</th><th>" << escape(lb.test_metric)
    << "</th><th>epochs</th><th>wall s</th><th class=\"t\">status</th></tr></thead><tbody>";
  for (const auto& r : lb.rows) {
    o << "<tr" << (&r == lb.best() ? " class=\"best\"" : "") << ">" << num_cell(double(r.rank), 0)
      << num_cell(double(r.trial.id), 0) << cell(r.model, true);
    for (const auto& p : shown) {
      const auto it = r.trial.params.find(p);
      const std::string text = it == r.trial.params.end() ? "" : display_value(*it);
      if (it != r.trial.params.end() && it->is_number())
        o << "<td class=\"t\" data-v=\"" << escape(it->dump()) << "\">" << escape(text) << "</td>";
      else
        o << cell(text, true);
    }
    std::string status = r.status;
    if (r.trial.status == TrialStatus::kFailed) status += ": " + r.trial.reason;
    if (r.trial.status == TrialStatus::kPruned) status += " at epoch " + std::to_string(r.trial.pruned_epoch);
    o << num_cell(r.value) << num_cell(r.value ? std::optional<double>(r.best_epoch) : std::nullopt, 0)
      << num_cell(r.test) << num_cell(double(r.epochs), 0) << num_cell(r.trial.wall_s, 1)
      << "<td class=\"t st-" << r.status << "\">" << escape(status) << "</td></tr>";
  }
  o << "</tbody></table>";
}

void confusion(std::ostringstream& o, const Leaderboard& lb) {
  o << "<h2>Best trial</h2>";
  if (!lb.best()) {
    o << "<p class=\"note\">No trial has finished yet.</p>";
    return;
  }
  const auto& t = lb.best()->trial;
  o << "<p>Trial " << t.id << ": " << escape(lb.metric) << " " << fixed(lb.best()->value, 4) << " at epoch "
    << lb.best()->best_epoch;
  if (lb.best()->test) o << "; " << escape(lb.test_metric) << " " << fixed(lb.best()->test, 4);
  o << ". Parameters: ";
  bool first = true;
  for (const auto& [k, v] : t.params.items()) {
    o << (first ? "" : ", ") << "<code>" << escape(k) << " = " << escape(format_value(v)) << "</code>";  // exact
    first = false;
  }
  o << ". Its full config is in best.yaml.</p>";
  const auto& cm = t.confusion;
  if (!cm.is_object() || !cm.contains("matrix") || !cm["matrix"].is_array()) {
    o << "<p class=\"note\">The trial reported no confusion matrix.</p>";
    return;
  }
  std::vector<std::string> classes;
  if (cm.contains("classes"))
    for (const auto& c : cm["classes"]) classes.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  const auto& m = cm["matrix"];
  o << "<p>Confusion matrix on " << escape(cm.value("split", std::string("test")))
    << " (rows: true class, columns: predicted; shade: share of the row)</p><table class=\"cm\"><tr><th></th>";
  for (std::size_t j = 0; j < m.size(); ++j)
    o << "<th>" << escape(j < classes.size() ? classes[j] : std::to_string(j)) << "</th>";
  o << "</tr>";
  for (std::size_t i = 0; i < m.size(); ++i) {
    double total = 0;
    for (const auto& v : m[i]) total += v.is_number() ? v.get<double>() : 0;
    o << "<tr><th class=\"t\">" << escape(i < classes.size() ? classes[i] : std::to_string(i)) << "</th>";
    for (const auto& v : m[i]) {
      const double x = v.is_number() ? v.get<double>() : 0;
      const double share = total > 0 ? x / total : 0;
      o << "<td style=\"background:rgba(31,119,180," << fixed(share * 0.85, 3) << ");color:"
        << (share > 0.55 ? "#fff" : "#222") << "\">" << v.dump() << "</td>";
    }
    o << "</tr>";
  }
  o << "</table>";
}

void curves(std::ostringstream& o, const Leaderboard& lb) {
  o << "<h2>Learning curves</h2>";
  // All trials on one chart, the best drawn thick.
  std::vector<svg::Series> all;
  for (std::size_t i = 0; i < lb.rows.size(); ++i) {
    const auto& r = lb.rows[i];
    svg::Series s;
    s.label = "trial " + std::to_string(r.trial.id) + " (" + r.status + ")";
    s.color = svg::palette(static_cast<std::size_t>(r.trial.id));
    s.width = &r == lb.best() ? 3.0 : 1.2;
    for (const auto& [e, m] : r.trial.epochs)
      if (const auto v = finite_metric(m, lb.metric)) s.points.emplace_back(e, *v);
    all.push_back(std::move(s));
  }
  o << "<p class=\"note\">" << escape(lb.metric)
    << " per epoch, every trial (hover for its id; the best finished trial is drawn thick).</p>";
  o << svg::line_chart(all, {"epoch", lb.metric, false, {}, true}, 640, 300);

  o << "<p class=\"note\">Per trial: " << escape(lb.metric) << " (solid)";
  const std::string train = train_counterpart(lb.metric);
  if (!train.empty()) o << " and " << escape(train) << " (dashed)";
  o << "; losses: train (dashed), val (solid).</p><div class=\"grid\">";
  for (const auto& t : lb.rows) {
    const auto& r = t.trial;
    svg::Series val{lb.metric, {}, "#1f77b4", false, 1.8}, tr{train, {}, "#1f77b4", true, 1.2};
    svg::Series vloss{"val_loss", {}, "#d62728", false, 1.8}, tloss{"train_loss", {}, "#d62728", true, 1.2};
    for (const auto& [e, m] : r.epochs) {
      if (const auto v = finite_metric(m, lb.metric)) val.points.emplace_back(e, *v);
      if (const auto v = train.empty() ? std::nullopt : finite_metric(m, train)) tr.points.emplace_back(e, *v);
      if (const auto v = finite_metric(m, "val_loss")) vloss.points.emplace_back(e, *v);
      if (const auto v = finite_metric(m, "train_loss")) tloss.points.emplace_back(e, *v);
    }
    o << "<div class=\"card\"><b>trial " << r.id << "</b> " << escape(t.model) << " <span class=\"st-" << t.status
      << "\">" << escape(t.status) << "</span><br>";
    o << svg::line_chart({tr, val}, {"epoch", "metric", false, {}, true}, 260, 150);
    if (!vloss.points.empty() || !tloss.points.empty())
      o << svg::line_chart({tloss, vloss}, {"epoch", "loss", false, {}, true}, 260, 150);
    o << "</div>";
  }
  o << "</div>";
}

void parameters(std::ostringstream& o, const Leaderboard& lb) {
  o << "<h2>Parameters against " << escape(lb.metric) << "</h2><div class=\"grid\">";
  for (const auto& name : lb.param_names) {
    bool numeric = true, positive = true;
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    std::set<std::string> seen;
    std::vector<std::string> categories;
    for (const auto& r : lb.rows) {
      const auto it = r.trial.params.find(name);
      if (it == r.trial.params.end()) continue;
      const std::string text = format_value(*it);
      if (seen.insert(text).second) categories.push_back(text);
      if (!it->is_number()) {
        numeric = false;
        continue;
      }
      const double v = it->get<double>();
      positive = positive && v > 0;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    // Few distinct numbers read better as categories; wide positive ranges on a log axis.
    if (numeric && categories.size() <= 4) numeric = false;
    svg::Axes axes{name, lb.metric, numeric && positive && hi / lo >= 50, {}};
    if (!numeric) axes.x_categories = categories;
    std::vector<svg::Point> points;
    for (const auto& r : lb.rows) {
      const auto it = r.trial.params.find(name);
      if (it == r.trial.params.end() || !r.value) continue;
      svg::Point p;
      if (numeric) {
        p.x = it->get<double>();
      } else {
        const auto pos = std::find(categories.begin(), categories.end(), format_value(*it)) - categories.begin();
        // A small fixed spread so equal values stay visible side by side.
        p.x = static_cast<double>(pos) + 0.25 * std::sin(r.trial.id * 2.399963);
      }
      p.y = *r.value;
      p.title = "trial " + std::to_string(r.trial.id) + ": " + display_value(*it) + " -> " + fixed(r.value, 4);
      p.color = r.trial.status == TrialStatus::kFinished ? "#1f77b4" : "#999";
      points.push_back(p);
    }
    o << "<div class=\"card\">" << svg::scatter_chart(points, axes, 300, 200) << "</div>";
  }
  o << "</div><p class=\"note\">Each point is a trial's best " << escape(lb.metric)
    << "; blue: finished, grey: pruned, failed or still running.</p>";
}

}  // namespace

std::string report_html(const Leaderboard& lb, const SweepState& state) {
  std::ostringstream o;
  const std::string title = "Sweep " + (lb.name.empty() ? std::string("(unnamed)") : lb.name);
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << escape(title)
    << "</title><style>" << kStyle << "</style></head><body>\n";
  o << "<h1>" << escape(title) << "</h1><p>" << escape(state.sweep.value("method", std::string("?")))
    << " search ranked by <b>" << escape(lb.metric) << "</b> (" << (lb.maximize ? "maximize" : "minimize")
    << ", best epoch of each trial); " << escape(lb.test_metric) << " is reported, never used to choose. "
    << lb.rows.size() << " trials: " << lb.count("finished") << " finished, " << lb.count("pruned") << " pruned, "
    << lb.count("failed") << " failed, " << lb.count("running") << " running"
    << (state.complete ? "; the sweep is complete." : "; the sweep has not ended.") << "</p>\n";
  if (state.sweep.contains("asha") && state.sweep["asha"].is_object())
    o << "<p class=\"note\">ASHA: min_epochs " << state.sweep["asha"].value("min_epochs", 0) << ", eta "
      << state.sweep["asha"].value("eta", 0) << ", max_epochs " << state.sweep["asha"].value("max_epochs", 0)
      << ".</p>";
  if (state.sweep.contains("hyperband") && state.sweep["hyperband"].is_object())
    o << "<p class=\"note\">Hyperband: min_epochs " << state.sweep["hyperband"].value("min_epochs", 0) << ", eta "
      << state.sweep["hyperband"].value("eta", 0) << ", max_epochs " << state.sweep["hyperband"].value("max_epochs", 0)
      << ".</p>";
  if (state.sweep.value("median", false)) o << "<p class=\"note\">Trials below the median of finished ones stop early.</p>";
  o << "<h2>Leaderboard</h2><p class=\"note\">Click a column to sort.</p>";
  table(o, lb);
  confusion(o, lb);
  o << adaptive_sections_html(lb);
  curves(o, lb);
  if (!lb.param_names.empty()) parameters(o, lb);
  o << "\n<script>" << kScript << "</script>\n</body></html>\n";
  return o.str();
}

}  // namespace genre::search
