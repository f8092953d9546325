#include "search/coordinator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "common/error.h"
#include "common/log.h"
#include "common/progress.h"
#include "search/json_values.h"
#include "search/events.h"
#include "search/leaderboard.h"
#include "search/run_layout.h"

namespace genre::search {

namespace {


std::string brief(const nlohmann::json& params) {
  std::string out;
  for (const auto& [k, v] : params.items()) out += (out.empty() ? "" : " ") + k + "=" + display_value(v);
  return out;
}

}  // namespace

Coordinator::Coordinator(const SweepSpec& spec, const std::filesystem::path& run_dir,
                         const std::vector<nlohmann::json>& events)
    : spec_(spec), run_dir_(run_dir), algorithm_(make_algorithm(spec)), resumed_(!events.empty()),
      total_(spec.trial_count()) {
  const SweepState state = replay(events);
  const std::string where = (run_dir_ / "journal.jsonl").string();
  if (state.runs > 0) {
    if (state.metric() != spec_.metric.name || state.maximize() != (spec_.metric.goal == Goal::kMaximize))
      throw UsageError(where + ": the sweep was started with metric " + state.metric() + " (" +
                       (state.maximize() ? "maximize" : "minimize") + "); the spec now says " + spec_.metric.name +
                       " (" + goal_name(spec_.metric.goal) + ")");
  }
  for (const auto& t : state.trials) {
    const auto p = algorithm_->next_config();
    if (!p)
      throw UsageError(where + ": the journal holds " + std::to_string(state.trials.size()) +
                       " trials but the spec now proposes only " + std::to_string(t.id) +
                       " (was max_trials lowered?); resume with the original spec");
    if (*p != t.params)
      throw UsageError(where + ": trial " + std::to_string(t.id) + " was started with " + t.params.dump() +
                       " but the spec now proposes " + p->dump() +
                       "; resume with the spec the sweep was started with (its copy is sweep.yaml) or use a new --out");
    params_.push_back(t.params);
    configs_.push_back(t.config);
    attempts_.push_back(t.attempts);
    if (t.terminal())
      ++ended_before_;
    else
      restart_.push_back(t.id);
  }
  // ASHA must see the epochs in the order they first happened.
  for (const auto& e : events)
    if (e.value("event", std::string()) == events::kEpoch)
      algorithm_->report(e.at("trial").get<int>(), e.at("epoch").get<int>(),
                         spec_.metric.score(finite_metric(e.value("metrics", nlohmann::json::object()), spec_.metric.name).value_or(std::nan(""))));
}

void Coordinator::start(int groups) {
  started_at_ = std::chrono::steady_clock::now();
  std::filesystem::create_directories(run_dir_);
  journal_ = std::make_unique<JournalWriter>(run_dir_ / "journal.jsonl");
  journal(events::sweep_started(spec_, total_, groups, resumed_));
}

void Coordinator::journal(const nlohmann::json& event) {
  if (!journal_) throw Error("the coordinator was not started");
  journal_->append(event);
}

std::filesystem::path Coordinator::trial_dir(int trial) const { return search::trial_dir(run_dir_, trial); }

TrialAssignment Coordinator::assignment(int trial, int attempt) const {
  TrialAssignment a;
  a.trial = trial;
  a.attempt = attempt;
  a.config = configs_[static_cast<std::size_t>(trial)];
  a.dir = trial_dir(trial);
  a.metric = spec_.metric;
  return a;
}

std::optional<TrialAssignment> Coordinator::next(int group) {
  if (interrupted_) return std::nullopt;
  int id;
  if (!restart_.empty()) {
    id = restart_.front();
    restart_.pop_front();
    ++attempts_[static_cast<std::size_t>(id)];
  } else {
    const auto p = algorithm_->next_config();
    if (!p) return std::nullopt;
    id = static_cast<int>(params_.size());
    params_.push_back(*p);
    configs_.push_back(spec_.trial_config(*p));
    attempts_.push_back(1);
  }
  TrialAssignment a = assignment(id, attempts_[static_cast<std::size_t>(id)]);
  std::filesystem::create_directories(a.dir);
  journal(events::trial_started(id, a.attempt, group, params_[static_cast<std::size_t>(id)], a.config));
  running_[id] = Running{group, 0};
  spdlog::info("trial {} {} on group {}: {}", id, a.attempt > 1 ? "restarts (attempt " + std::to_string(a.attempt) + ")" : "starts",
               group, brief(params_[static_cast<std::size_t>(id)]));
  return a;
}

Verdict Coordinator::epoch(int group, int trial, const EpochReport& report) {
  // Checked before journaling: an epoch of a trial nobody runs would make the
  // journal unreadable on replay.
  const auto it = running_.find(trial);
  if (it == running_.end() || it->second.group != group) {
    spdlog::warn("group {} reported epoch {} of trial {}, which it is not running; told to stop", group, report.epoch,
                 trial);
    return Verdict::kStop;
  }
  journal(events::epoch(trial, report));
  it->second.epochs = report.epoch;
  const double value = finite_metric(report.metrics, spec_.metric.name).value_or(std::nan(""));
  algorithm_->report(trial, report.epoch, spec_.metric.score(value));
  if (interrupted_) return Verdict::kInterrupt;
  if (algorithm_->should_stop(trial, report.epoch)) {
    journal(events::trial_pruned(trial, report.epoch, value));
    running_.erase(it);
    spdlog::info("trial {} pruned at epoch {}: {} {:.4f}", trial, report.epoch, spec_.metric.name, value);
    ended(trial);
    return Verdict::kStop;
  }
  return Verdict::kContinue;
}

void Coordinator::end(int group, int trial, const TrialEnd& end) {
  const bool was_running = running_.erase(trial) > 0;
  switch (end.kind) {
    case TrialEnd::Kind::kStopped:
      return;  // pruned: journaled when the verdict was given
    case TrialEnd::Kind::kInterrupted:
      // Not journaled: the trial stays running in the journal and restarts
      // from its checkpoint on --resume. A trial interrupted by its own
      // signal means the job is ending.
      if (!interrupted_) spdlog::warn("trial {} was interrupted on group {}: the job is ending", trial, group);
      interrupted_ = true;
      return;
    case TrialEnd::Kind::kFinished:
      if (!was_running) return;
      journal(events::trial_finished(trial, end.result));
      spdlog::info("trial {} finished after {} epochs", trial, end.result.epochs);
      break;
    case TrialEnd::Kind::kFailed:
      if (!was_running) return;
      journal(events::trial_failed(trial, end.reason, end.epochs));
      spdlog::warn("trial {} failed: {}", trial, end.reason);
      break;
  }
  ended(trial);
}

void Coordinator::ended(int trial) {
  ++ended_now_;
  // Progress, once per trial (trials take minutes; no timer needed): done of
  // total, what is running, and an ETA from this run's own pace.
  const int done = ended_before_ + ended_now_;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
  const int left = std::max(0, total_ - done);
  const std::string eta = left > 0 && ended_now_ > 0 ? ", ETA " + format_duration(elapsed / ended_now_ * left) : "";
  spdlog::info("sweep: {}/{} trials ended, {} running, elapsed {}{}", done, total_, running_.size(),
               format_duration(elapsed), eta);
  if (on_trial_end) on_trial_end(trial);
}

void Coordinator::interrupt() {
  if (interrupted_) return;
  interrupted_ = true;
  spdlog::warn("stop requested: no new trials; {} running trial(s) checkpoint and stop", running_.size());
}

void Coordinator::close() {
  if (!journal_) return;
  journal(events::sweep_ended(!interrupted_));
  journal_->close();
  journal_.reset();
}

}  // namespace genre::search
