#include "search/leaderboard.h"


#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"
#include "config/yaml_json.h"
#include "search/json_values.h"
#include "search/journal.h"
#include "search/report_adaptive.h"
#include "search/report_html.h"
#include "search/run_layout.h"
#include "search/spec.h"

namespace genre::search {

namespace {


std::string shortest(double v) {
  char buf[64];
  // Shortest text that reads back exactly, plain decimals unless tiny or huge.
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  return std::string(buf, r.ptr);
}


std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

// Readers see the old or the new version; a concurrent `genre leaderboard`
// and the coordinator may render the same board at once.
void replace_file(const std::filesystem::path& file, const std::string& bytes) {
  write_durably(file, bytes, Writers::kSeveral);
}

// RUN/best -> trials/NNNN (relative, so the run folder can move), replaced
// atomically like the files.
void point_best(const std::filesystem::path& run_dir, int trial) {
  namespace fs = std::filesystem;
  const fs::path link = best_link(run_dir);
  const fs::path target = trial_dir(run_dir, trial).lexically_relative(run_dir);
  std::error_code ec;
  if (fs::is_symlink(link, ec) && fs::read_symlink(link, ec) == target) return;
  publish_symlink(link, target);
}

}  // namespace

std::size_t Leaderboard::count(const std::string& status) const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [&](const LeaderboardRow& r) { return r.status == status; }));
}

std::string format_value(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return shortest(v.get<double>());
  if (v.is_null()) return "";
  return v.dump();
}

std::string display_value(const nlohmann::json& v) {
  if (!v.is_number_float()) return format_value(v);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
  return buf;
}

std::vector<std::string> Leaderboard::shown_params() const {
  std::vector<std::string> out;
  for (const auto& p : param_names)
    if (p != "model.name") out.push_back(p);
  return out;
}

Leaderboard make_leaderboard(const SweepState& state) {
  Leaderboard lb;
  lb.name = state.sweep.value("name", std::string());
  lb.metric = state.metric();
  lb.test_metric = state.test_metric();
  lb.maximize = state.maximize();
  if (state.sweep.contains("parameters"))
    for (const auto& p : state.sweep["parameters"]) lb.param_names.push_back(p.get<std::string>());

  for (const auto& t : state.trials) {
    LeaderboardRow row;
    row.trial = t;
    if (const auto* m = find_dotted(t.config, "model.name"); m && m->is_string()) row.model = m->get<std::string>();
    for (const auto& [epoch, metrics] : t.epochs) {
      const auto v = finite_metric(metrics, lb.metric);
      if (!v) continue;
      const bool better = !row.value || (lb.maximize ? *v > *row.value : *v < *row.value);
      if (better) {
        row.value = v;
        row.best_epoch = epoch;
      }
    }
    row.test = finite_metric(t.final_metrics, lb.test_metric);
    row.epochs = static_cast<int>(t.epochs.size());
    row.status = status_name(t.status);
    lb.rows.push_back(std::move(row));
  }
  // Failed trials last; then by value (missing values after present ones);
  // ties by trial id so the order is a function of the journal alone.
  std::stable_sort(lb.rows.begin(), lb.rows.end(), [&](const LeaderboardRow& a, const LeaderboardRow& b) {
    const bool fa = a.trial.status == TrialStatus::kFailed, fb = b.trial.status == TrialStatus::kFailed;
    if (fa != fb) return fb;
    if (a.value.has_value() != b.value.has_value()) return a.value.has_value();
    if (a.value && *a.value != *b.value) return lb.maximize ? *a.value > *b.value : *a.value < *b.value;
    return a.trial.id < b.trial.id;
  });
  for (std::size_t i = 0; i < lb.rows.size(); ++i) lb.rows[i].rank = static_cast<int>(i + 1);
  for (std::size_t i = 0; i < lb.rows.size() && !lb.best_row; ++i)
    if (lb.rows[i].trial.status == TrialStatus::kFinished) lb.best_row = i;
  return lb;
}

std::string leaderboard_csv(const Leaderboard& lb) {
  std::ostringstream out;
  out << "rank,trial,model";
  for (const auto& p : lb.param_names) out << "," << csv_field(p);
  out << "," << csv_field(lb.metric) << "," << csv_field(lb.test_metric) << ",epochs,wall_s,status\n";
  for (const auto& r : lb.rows) {
    out << r.rank << "," << r.trial.id << "," << csv_field(r.model);
    for (const auto& p : lb.param_names) {
      const auto it = r.trial.params.find(p);
      out << "," << csv_field(it == r.trial.params.end() ? "" : format_value(*it));
    }
    out << "," << (r.value ? shortest(*r.value) : "") << "," << (r.test ? shortest(*r.test) : "") << ","
        << r.epochs << "," << fixed(r.trial.wall_s, 1) << "," << r.status << "\n";
  }
  return out.str();
}

std::string leaderboard_markdown(const Leaderboard& lb) {
  std::ostringstream out;
  out << "# Sweep " << (lb.name.empty() ? "(unnamed)" : lb.name) << "\n\n"
      << "Ranked by `" << lb.metric << "` (" << (lb.maximize ? "maximize" : "minimize")
      << ", best epoch of each trial); `" << lb.test_metric << "` is reported, never used to choose. "
      << lb.rows.size() << " trials: " << lb.count("finished") << " finished, " << lb.count("pruned") << " pruned, "
      << lb.count("failed") << " failed, " << lb.count("running") << " running.\n\n";
  const std::vector<std::string> shown = lb.shown_params();
  out << "| rank | trial | model |";
  for (const auto& p : shown) out << " " << md_cell(p) << " |";
  out << " " << lb.metric << " | " << lb.test_metric << " | epochs | wall s | status |\n|---:|---:|---|";
  for (std::size_t i = 0; i < shown.size(); ++i) out << "---|";
  out << "---:|---:|---:|---:|---|\n";
  for (const auto& r : lb.rows) {
    out << "| " << r.rank << " | " << r.trial.id << " | " << md_cell(r.model) << " |";
    for (const auto& p : shown) {
      const auto it = r.trial.params.find(p);
      out << " " << md_cell(it == r.trial.params.end() ? "" : display_value(*it)) << " |";
    }
    std::string status = r.status;
    if (r.trial.status == TrialStatus::kFailed) status += ": " + r.trial.reason;
    out << " " << fixed(r.value, 4) << " | " << fixed(r.test, 4) << " | " << r.epochs << " | "
        << fixed(r.trial.wall_s, 1) << " | " << md_cell(status) << " |\n";
  }
  if (lb.best())
    out << "\nBest: trial " << lb.best()->trial.id << " (" << lb.metric << " " << fixed(lb.best()->value, 4)
        << " at epoch " << lb.best()->best_epoch << "); its training config is in best.yaml.\n";
  out << importance_markdown(lb);
  return out.str();
}

std::string leaderboard_text(const Leaderboard& lb, std::size_t max_rows) {
  std::ostringstream out;
  const int wm = static_cast<int>(std::max<std::size_t>(8, lb.metric.size()));
  const int wt = static_cast<int>(std::max<std::size_t>(8, lb.test_metric.size()));
  char line[512];
  std::snprintf(line, sizeof line, "%4s %5s  %-8s  %*s  %*s  %6s  %s\n", "rank", "trial", "model", wm, lb.metric.c_str(),
                wt, lb.test_metric.c_str(), "epochs", "status");
  out << line;
  for (std::size_t i = 0; i < lb.rows.size() && i < max_rows; ++i) {
    const auto& r = lb.rows[i];
    std::string status = r.status;
    if (r.trial.status == TrialStatus::kFailed) status += ": " + r.trial.reason.substr(0, 80);
    std::snprintf(line, sizeof line, "%4d %5d  %-8s  %*s  %*s  %6d  %s\n", r.rank, r.trial.id, r.model.substr(0, 8).c_str(),
                  wm, fixed(r.value, 4).c_str(), wt, fixed(r.test, 4).c_str(), r.epochs, status.c_str());
    out << line;
  }
  if (lb.rows.size() > max_rows) out << "  ... " << lb.rows.size() - max_rows << " more in leaderboard.md\n";
  return out.str();
}

std::string best_yaml(const Leaderboard& lb) {
  if (!lb.best()) return "";
  const auto& t = lb.best()->trial;
  // The sweep's name is the user's text: yaml_comment keeps a newline in it
  // from ending the comment and writing keys of its own (#13.11).
  return config::yaml_comment("Best trial of sweep " + lb.name + ": trial " + std::to_string(t.id) + ", " + lb.metric + " " +
                              fixed(lb.best()->value, 4) + " at epoch " + std::to_string(lb.best()->best_epoch) + ".\n" +
                              "Its full training config: genre train --config best.yaml ...") +
         config::json_to_yaml(t.config);
}

SweepState load_sweep(const std::filesystem::path& run_dir) {
  const auto journal = run_dir / "journal.jsonl";
  if (!std::filesystem::exists(journal))
    throw Error(run_dir.string() + ": no journal.jsonl here (is it the --out folder of a genre search?)");
  try {
    return replay(read_journal(journal).events);
  } catch (const Error&) {
    rethrow_with_context(journal.string());
  }
}

void write_leaderboard(const std::filesystem::path& run_dir, const SweepState& state, const Leaderboard& lb) {
  replace_file(run_dir / "leaderboard.csv", leaderboard_csv(lb));
  replace_file(run_dir / "leaderboard.md", leaderboard_markdown(lb));
  replace_file(run_dir / "report.html", report_html(lb, state));
  if (lb.best()) {
    replace_file(run_dir / "best.yaml", best_yaml(lb));
    point_best(run_dir, lb.best()->trial.id);
  }
}

}  // namespace genre::search
