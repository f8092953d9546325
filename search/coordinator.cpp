#include "search/coordinator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

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
      total_(spec.trial_count()), journal_length_(events.size()) {
  const SweepState state = replay(events);
  const std::string where = (run_dir_ / "journal.jsonl").string();
  if (state.runs > 0) {
    if (state.metric() != spec_.metric.name || state.maximize() != (spec_.metric.goal == Goal::kMaximize))
      throw UsageError(where + ": the sweep was started with metric " + state.metric() + " (" +
                       (state.maximize() ? "maximize" : "minimize") + "); the spec now says " + spec_.metric.name +
                       " (" + goal_name(spec_.metric.goal) + ")");
  }
  verify_journal(events, state);
  for (const auto& t : state.trials) {
    params_.push_back(t.params);
    configs_.push_back(t.config);
    attempts_.push_back(t.attempts);
    if (t.terminal())
      ++ended_before_;
    else if (t.lost_results() >= kMaxLostResults)
      lost_.push_back({t.id, t.lost_results(), t.last_epoch()});
    else {
      restart_.push_back(t.id);
      lost_results_[t.id] = t.lost_results();
    }
  }
}

// Replays the journal through the algorithm in order and, at each trial's
// basis, checks that the algorithm proposes what the journal recorded.
void Coordinator::verify_journal(const std::vector<nlohmann::json>& events, const SweepState& state) {
  const std::string where = (run_dir_ / "journal.jsonl").string();
  std::map<std::size_t, std::vector<int>> check_at;  // journal position -> trials proposed from the state there
  std::vector<bool> seen(state.trials.size(), false);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.value("event", std::string()) != events::kTrialStarted) continue;
    const int id = e.at("trial").get<int>();
    if (seen[static_cast<std::size_t>(id)]) continue;
    seen[static_cast<std::size_t>(id)] = true;
    // Journals from before the basis was recorded: the state just before the trial started.
    const std::size_t basis = std::min<std::size_t>(e.value("basis", i), i);
    check_at[basis].push_back(id);
  }
  const auto check = [&](int id) {
    const auto& t = state.trials[static_cast<std::size_t>(id)];
    const auto p = algorithm_->propose(id)();
    if (!p)
      throw UsageError(where + ": the journal holds " + std::to_string(state.trials.size()) +
                       " trials but the spec now proposes only " + std::to_string(id) +
                       " (was max_trials lowered?); resume with the original spec");
    if (*p != t.params)
      throw UsageError(where + ": trial " + std::to_string(id) + " was started with " + t.params.dump() +
                       " but the spec now proposes " + p->dump() +
                       "; resume with the spec the sweep was started with (its copy is sweep.yaml) or use a new --out");
  };
  for (std::size_t i = 0; i <= events.size(); ++i) {
    if (const auto it = check_at.find(i); it != check_at.end())
      for (int id : it->second) check(id);
    if (i < events.size())
      if (const auto ev = trial_event(events[i], spec_.metric)) algorithm_->observe(*ev);
  }
}

void Coordinator::start(int groups, const nlohmann::json& record) {
  started_at_ = std::chrono::steady_clock::now();
  std::filesystem::create_directories(run_dir_);
  journal_ = std::make_unique<JournalWriter>(run_dir_ / "journal.jsonl");
  nlohmann::json started = events::sweep_started(spec_, total_, groups, resumed_);
  started.update(record);
  journal(started);
  for (const Lost& l : lost_) {
    const std::string reason = "lost its result " + std::to_string(l.times) +
                               " times (attempts in a row that journaled no new epoch and no end)";
    journal(events::trial_failed(l.trial, reason, l.epochs));
    spdlog::warn("trial {} {}: journaled failed, not restarted again", l.trial, reason);
    ++ended_before_;
  }
  lost_.clear();
}

std::vector<int> Coordinator::unresolved() const {
  std::vector<int> out = unresolved_;
  out.insert(out.end(), restart_.begin(), restart_.end());
  std::sort(out.begin(), out.end());
  return out;
}

bool Coordinator::complete() const {
  return !interrupted_ && exhausted_ && restart_.empty() && running_.empty() && unresolved_.empty() && lost_.empty();
}

void Coordinator::journal(const nlohmann::json& event) {
  if (!journal_) throw Error("the coordinator was not started");
  journal_->append(event);
  ++journal_length_;
  // The algorithm hears every event as it is journaled, as a replay would.
  if (const auto ev = trial_event(event, spec_.metric))
    if (algorithm_->observe(*ev)) ++version_;
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

TrialAssignment Coordinator::start_trial(int id, int group, long long basis) {
  TrialAssignment a = assignment(id, attempts_[static_cast<std::size_t>(id)]);
  std::filesystem::create_directories(a.dir);
  journal(events::trial_started(id, a.attempt, group, params_[static_cast<std::size_t>(id)], a.config, basis));
  running_[id] = Running{group, 0};
  spdlog::info("trial {} {} on group {}: {}", id, a.attempt > 1 ? "restarts (attempt " + std::to_string(a.attempt) + ")" : "starts",
               group, brief(params_[static_cast<std::size_t>(id)]));
  return a;
}

void Coordinator::request(int group) {
  if (interrupted_ || (exhausted_ && restart_.empty())) {
    answers_.push_back({group, std::nullopt});
    return;
  }
  if (!restart_.empty()) {
    const int id = restart_.front();
    restart_.pop_front();
    ++attempts_[static_cast<std::size_t>(id)];
    answers_.push_back({group, start_trial(id, group, -1)});
    return;
  }
  waiting_.push_back(group);
  pump(false);
}

void Coordinator::hand_out(const Job& job, const std::optional<nlohmann::json>& params) {
  if (!params) {  // the algorithm starts no more trials: every waiting group may quit
    exhausted_ = true;
    for (int g : waiting_) answers_.push_back({g, std::nullopt});
    waiting_.clear();
    return;
  }
  const int group = waiting_.front();
  waiting_.pop_front();
  params_.push_back(*params);
  configs_.push_back(spec_.trial_config(*params));
  attempts_.push_back(1);
  answers_.push_back({group, start_trial(job.trial, group, static_cast<long long>(job.basis))});
}

// Moves proposals along: takes a finished one, hands out what is valid,
// starts the next computation (for a waiting group, or ahead of time).
void Coordinator::pump(bool block) {
  while (true) {
    if (job_) {
      const auto result = block && !waiting_.empty() ? suggester_.wait() : suggester_.poll();
      if (result) {
        const Job job = *job_;
        job_.reset();
        if (job.requested && !waiting_.empty() && job.trial == static_cast<int>(params_.size()))
          hand_out(job, result->params);
        else if (!job.requested && job.version == version_ && job.trial == static_cast<int>(params_.size()))
          ready_.emplace(job, result->params);
        // else: stale (events came in that may change it, or the job is ending)
        continue;
      }
    }
    if (interrupted_ || exhausted_) return;
    const int next_id = static_cast<int>(params_.size());
    if (ready_ && (ready_->first.version != version_ || ready_->first.trial != next_id)) ready_.reset();
    if (!waiting_.empty() && ready_) {
      const auto [job, params] = std::move(*ready_);
      ready_.reset();
      hand_out(job, params);
      continue;
    }
    if (job_) {
      // A computation ahead of time that is still valid now serves the group that asked.
      if (!waiting_.empty() && !job_->requested && job_->version == version_) job_->requested = true;
      if (!block || waiting_.empty()) return;
      continue;  // wait for it
    }
    if (ready_) return;  // computed ahead, nobody asked yet
    job_ = Job{next_id, journal_length_, version_, !waiting_.empty()};
    suggester_.submit(algorithm_->propose(next_id));
    if (!block || waiting_.empty()) return;
  }
}

std::vector<Coordinator::Answer> Coordinator::answers() {
  if (journal_) pump(false);
  return std::exchange(answers_, {});
}

std::optional<TrialAssignment> Coordinator::next(int group) {
  request(group);
  while (true) {
    for (auto& a : answers_)
      if (a.group == group) {
        auto trial = std::move(a.trial);
        answers_.clear();
        return trial;
      }
    pump(true);
  }
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
  journal(events::epoch(trial, report));  // the algorithm hears it from journal()
  it->second.epochs = report.epoch;
  const double value = finite_metric(report.metrics, spec_.metric.name).value_or(std::nan(""));
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
  if (end.kind == TrialEnd::Kind::kGroupLost) return group_lost(group, trial, end.reason);
  const bool was_running = running_.erase(trial) > 0;
  switch (end.kind) {
    case TrialEnd::Kind::kStopped:
      return;  // pruned: journaled when the verdict was given
    case TrialEnd::Kind::kGroupLost:
      return;  // above
    case TrialEnd::Kind::kInterrupted:
      unresolved_.push_back(trial);
      // Not journaled: the trial stays running in the journal and restarts
      // from its checkpoint on --resume. A trial interrupted by its own
      // signal means the job is ending.
      if (!interrupted_) spdlog::warn("trial {} was interrupted on group {}: the job is ending", trial, group);
      interrupted_ = true;
      for (int g : waiting_) answers_.push_back({g, std::nullopt});
      waiting_.clear();
      return;
    case TrialEnd::Kind::kFinished:
      if (!was_running) {
        unresolved_.push_back(trial);
        return;
      }
      journal(events::trial_finished(trial, end.result));
      spdlog::info("trial {} finished after {} epochs", trial, end.result.epochs);
      break;
    case TrialEnd::Kind::kFailed:
      if (!was_running) {
        unresolved_.push_back(trial);
        return;
      }
      journal(events::trial_failed(trial, end.reason, end.epochs));
      spdlog::warn("trial {} failed: {}", trial, end.reason);
      break;
  }
  ended(trial);
}

void Coordinator::group_lost(int group, int trial, const std::string& reason) {
  waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), group), waiting_.end());
  const auto it = running_.find(trial);
  if (it == running_.end() || it->second.group != group) {
    spdlog::warn("group {} lost a rank ({}) and is retired; it was not running trial {}", group, reason, trial);
    return;
  }
  const int epochs = it->second.epochs;
  running_.erase(it);
  journal(events::trial_lost(trial, group, reason));
  const int lost = ++lost_results_[trial];
  if (lost >= kMaxLostResults) {
    lost_results_.erase(trial);
    journal(events::trial_failed(trial, "lost its group " + std::to_string(lost) + " times in a row, the last: " + reason,
                                 std::max(epochs, 0)));
    spdlog::warn("trial {} failed: its group was lost {} times in a row ({})", trial, lost, reason);
    ended(trial);
    return;
  }
  spdlog::warn("group {} lost a rank and is retired ({}); trial {} restarts on another group", group, reason, trial);
  restart_.insert(std::lower_bound(restart_.begin(), restart_.end(), trial), trial);
  if (interrupted_ || waiting_.empty()) return;  // the next request takes it, or --resume
  const int next = waiting_.front();
  waiting_.pop_front();
  restart_.erase(std::find(restart_.begin(), restart_.end(), trial));
  ++attempts_[static_cast<std::size_t>(trial)];
  answers_.push_back({next, start_trial(trial, next, -1)});
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
  for (int g : waiting_) answers_.push_back({g, std::nullopt});
  waiting_.clear();
  ready_.reset();
  spdlog::warn("stop requested: no new trials; {} running trial(s) checkpoint and stop", running_.size());
}

void Coordinator::close() {
  if (!journal_) return;
  journal(events::sweep_ended(complete()));
  journal_->close();
  journal_.reset();
}

}  // namespace genre::search
