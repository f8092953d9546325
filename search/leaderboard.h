#pragma once
// The leaderboard: a pure function of the journal (through SweepState), and
// its renderings. Trials rank by the best value of the sweep metric over their
// epochs (the epoch their checkpoint keeps); failed trials go last.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "search/sweep_state.h"

namespace genre::search {

struct LeaderboardRow {
  int rank = 0;
  TrialRecord trial;
  std::string model;                  // config model.name
  std::optional<double> value;        // best val metric over its epochs
  int best_epoch = 0;
  std::optional<double> test;         // the test counterpart, from trial_finished
  int epochs = 0;                     // epochs run
  std::string status;
};

struct Leaderboard {
  std::string name;
  std::string metric, test_metric;
  bool maximize = true;
  std::vector<std::string> param_names;
  // param_names for tables people read: without model.name, which the model
  // column already shows (the CSV keeps every parameter).
  std::vector<std::string> shown_params() const;
  std::vector<LeaderboardRow> rows;   // ranked, best first
  std::optional<std::size_t> best_row;  // the best finished trial's row, if any
  const LeaderboardRow* best() const { return best_row ? &rows[*best_row] : nullptr; }
  std::size_t count(const std::string& status) const;
};

Leaderboard make_leaderboard(const SweepState& state);

// A parameter value as the CSV holds it: text as is, numbers exact (the
// shortest text that reads back to the same double).
std::string format_value(const nlohmann::json& v);
// As people read it (markdown, HTML, logs): doubles to 4 significant digits.
std::string display_value(const nlohmann::json& v);

// rank,trial,model,<params...>,<metric>,<test metric>,epochs,wall_s,status
std::string leaderboard_csv(const Leaderboard& lb);
std::string leaderboard_markdown(const Leaderboard& lb);
// The short table rank 0 prints when a sweep ends: the first max_rows rows.
std::string leaderboard_text(const Leaderboard& lb, std::size_t max_rows);
// The best finished trial's full training config, usable as `genre train --config`.
std::string best_yaml(const Leaderboard& lb);

// Reads and replays <run_dir>/journal.jsonl. Throws Error naming the run
// folder when it has no journal.
SweepState load_sweep(const std::filesystem::path& run_dir);

// (Re)writes leaderboard.csv, leaderboard.md, report.html and, once a trial
// has finished, best.yaml in run_dir, each replaced atomically so a reader
// (or a crash) never sees half a file.
void write_leaderboard(const std::filesystem::path& run_dir, const SweepState& state, const Leaderboard& lb);

}  // namespace genre::search
