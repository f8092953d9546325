#include "search/mpi_sweep.h"

#include <chrono>
#include <numeric>
#include <thread>
#include <utility>

#include "common/error.h"
#include "dist/peer_wait.h"
#include "dist/poll_backoff.h"
#include "search/protocol.h"
#include "search/worker.h"

namespace genre::search {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

double SweepStats::busy_fraction() const {
  if (busy_s.empty() || wall_s <= 0) return 0;
  return std::accumulate(busy_s.begin(), busy_s.end(), 0.0) / (static_cast<double>(busy_s.size()) * wall_s);
}

namespace {

// One message to the coordinator, handled. Returns false for a message of a
// retired group, which changes nothing (a second rank's loss report, a late
// word of a leader that was the silent one).
class Server {
 public:
  Server(Coordinator& coordinator, const dist::Comm& world, int groups, int ranks_per_trial, SweepStats& stats)
      : coordinator_(coordinator), world_(world), rpt_(ranks_per_trial), stats_(stats), retired_(static_cast<std::size_t>(groups)) {}

  int alive() const { return alive_; }
  // Answers whose proposals the suggestion thread has computed meanwhile. A
  // group with nothing left to start is parked, not told to quit, while
  // trials still run: one of them may lose its group and restart on it.
  void send_answers() {
    if (!parked_.empty() && (coordinator_.running() == 0 || coordinator_.interrupted())) wake_parked();
    for (const auto& a : coordinator_.answers()) {
      if (retired_[static_cast<std::size_t>(a.group)]) continue;
      if (!a.trial && !coordinator_.interrupted() && coordinator_.running() > 0) {
        parked_.push_back(a.group);
        continue;
      }
      world_.send(a.trial ? protocol::assignment(*a.trial) : protocol::quit(coordinator_.interrupted()),
                  1 + a.group * rpt_, protocol::kAssign);
      if (!a.trial) --alive_;
    }
  }
  void handle(int from, int tag, const std::string& text) {
    const int group = (from - 1) / rpt_;
    if (from < 1 || group >= static_cast<int>(retired_.size()))
      throw Error("rank " + std::to_string(from) + " is in no group but sent tag " + std::to_string(tag));
    if (tag != protocol::kGroupLost && (from - 1) % rpt_ != 0)
      throw Error("rank " + std::to_string(from) + " is no group leader but sent tag " + std::to_string(tag));
    if (retired_[static_cast<std::size_t>(group)]) return;
    try {
      dispatch(from, tag, group, text);
    } catch (const nlohmann::json::exception& e) {
      throw Error("malformed message from rank " + std::to_string(from) + ": " + e.what());
    }
  }

 private:
  void dispatch(int from, int tag, int group, const std::string& text) {
    switch (tag) {
      case protocol::kRequest:
        coordinator_.request(group);  // answered by send_answers(), now or once its proposal is computed
        return;
      case protocol::kEpoch: {
        const auto j = nlohmann::json::parse(text);
        const Verdict v = coordinator_.epoch(group, j.at("trial").get<int>(), protocol::parse_epoch(j));
        world_.send(protocol::verdict(v), from, protocol::kVerdict);
        return;
      }
      case protocol::kEnd: {
        const auto j = nlohmann::json::parse(text);
        stats_.busy_s[static_cast<std::size_t>(group)] += j.value("busy_s", 0.0);
        coordinator_.end(group, j.at("trial").get<int>(), protocol::parse_end(j));
        return;
      }
      case protocol::kGroupLost: {
        const auto j = nlohmann::json::parse(text);
        const std::string reason = "rank " + std::to_string(from) + ": " + j.at("reason").get<std::string>();
        retired_[static_cast<std::size_t>(group)] = true;
        --alive_;
        stats_.retired.push_back({group, 1 + group * rpt_, rpt_, reason});
        coordinator_.group_lost(group, j.at("trial").get<int>(), reason);
        wake_parked();  // one of them takes the trial
        return;
      }
      default:
        throw Error("unexpected message tag " + std::to_string(tag));
    }
  }

  // The parked groups ask again: for a trial that lost its group, or to quit.
  void wake_parked() {
    for (int g : std::exchange(parked_, {})) coordinator_.request(g);
  }

  Coordinator& coordinator_;
  const dist::Comm& world_;
  int rpt_;
  SweepStats& stats_;
  std::vector<bool> retired_;
  int alive_ = static_cast<int>(retired_.size());
  std::vector<int> parked_;
};

// How long a group waits for its leader's word during a trial: as long as
// the trial's collectives wait for a peer (its train.peer_timeout_s; the
// trainer's default when the config has none, e.g. the test objective's).
dist::PeerWait trial_peer_wait(const nlohmann::json& config) {
  const nlohmann::json::json_pointer key("/train/peer_timeout_s");
  return dist::PeerWait(config.contains(key) && config.at(key).is_number() ? config.at(key).get<double>()
                                                                          : dist::kDefaultPeerTimeoutSeconds);
}

[[noreturn]] void idle_until_the_job_ends() {
  while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
}

// This rank of the group can go on with it no more: the coordinator hears
// why (trial -1: between trials), and the rank idles until the job ends.
[[noreturn]] void report_lost(const dist::Comm& world, int group_index, int trial, const std::string& reason) {
  world.send(protocol::group_lost(group_index, trial, reason), 0, protocol::kGroupLost);
  idle_until_the_job_ends();
}

// The group's next assignment, waited for without spinning (Open MPI's
// blocking calls busy-wait): a parked group may wait for the sweep's last
// trial, on cores the running trials need.
std::string next_assignment(const dist::Comm& world, const dist::Comm& group, int group_index, const std::string& request) {
  std::string text;
  if (group.rank() == 0) {
    world.send(request, 0, protocol::kRequest);
    dist::PollBackoff backoff;
    while (!world.message_waiting()) backoff.idle();
    text = world.recv(0, protocol::kAssign);
  }
  try {
    // No timeout: the coordinator may keep a group waiting for as long as
    // other trials run (an adaptive method's rung, a parked group).
    return dist::broadcast(group, text, 0, dist::PeerWait());
  } catch (const dist::PeerTimeout& e) {  // SIGTERM came and the leader is silent
    report_lost(world, group_index, -1, describe(e));
  }
}

}  // namespace

SweepStats serve(Coordinator& coordinator, const dist::Comm& world, int groups, int ranks_per_trial,
                 const std::function<bool()>& stop_requested) {
  SweepStats stats;
  stats.busy_s.assign(static_cast<std::size_t>(groups), 0.0);
  const auto started = Clock::now();
  Server server(coordinator, world, groups, ranks_per_trial, stats);
  dist::PollBackoff backoff;  // a reply is never late by more than 1 ms
  while (server.alive() > 0) {
    if (!coordinator.interrupted() && stop_requested && stop_requested()) coordinator.interrupt();
    server.send_answers();
    if (server.alive() == 0) break;
    if (!world.message_waiting()) {
      backoff.idle();
      continue;
    }
    backoff.activity();
    const auto handling = Clock::now();
    int from = 0, tag = 0;
    const std::string text = world.recv(MPI_ANY_SOURCE, MPI_ANY_TAG, &from, &tag);
    ++stats.messages;
    server.handle(from, tag, text);
    server.send_answers();
    stats.coordinator_s += since(handling);
  }
  stats.wall_s = since(started);
  return stats;
}

bool work(const dist::Comm& world, const dist::Comm& group, int group_index, TrialRunner& runner) {
  const bool leader = group.rank() == 0;
  const std::string request = nlohmann::json{{"group", group_index}}.dump();
  while (true) {
    const std::string text = next_assignment(world, group, group_index, request);
    bool interrupted = false;
    const auto trial = protocol::parse_assignment(text, &interrupted);
    if (!trial) return interrupted;
    const dist::PeerWait wait = trial_peer_wait(trial->config);
    const auto started = Clock::now();
    const TrialEnd end = train_trial(runner, *trial, group, [&](const EpochReport& r) {
      std::string verdict;
      if (leader) {
        world.send(protocol::epoch(group_index, trial->trial, r), 0, protocol::kEpoch);
        verdict = world.recv(0, protocol::kVerdict);
      }
      // The coordinator answers at once: a leader that does not pass it on fell silent.
      return protocol::parse_verdict(dist::broadcast(group, verdict, 0, wait));
    });
    const double busy = since(started);
    if (end.kind == TrialEnd::Kind::kGroupLost) report_lost(world, group_index, trial->trial, end.reason);
    if (leader) world.send(protocol::end(group_index, trial->trial, end, busy), 0, protocol::kEnd);
  }
}

SweepStats run_alone(Coordinator& coordinator, TrialRunner& runner, const dist::Comm& self,
                     const std::function<bool()>& stop_requested) {
  SweepStats stats;
  stats.busy_s.assign(1, 0.0);
  const auto started = Clock::now();
  const auto check_stop = [&] {
    if (!coordinator.interrupted() && stop_requested && stop_requested()) coordinator.interrupt();
  };
  while (true) {
    check_stop();
    auto handling = Clock::now();
    const auto trial = coordinator.next(0);
    stats.coordinator_s += since(handling);
    if (!trial) break;
    const auto began = Clock::now();
    double in_coordinator = 0;
    const TrialEnd end = train_trial(runner, *trial, self, [&](const EpochReport& r) {
      check_stop();
      const auto t = Clock::now();
      const Verdict v = coordinator.epoch(0, trial->trial, r);
      in_coordinator += since(t);
      return v;
    });
    stats.busy_s[0] += since(began) - in_coordinator;
    stats.coordinator_s += in_coordinator;
    handling = Clock::now();
    coordinator.end(0, trial->trial, end);
    stats.coordinator_s += since(handling);
  }
  stats.wall_s = since(started);
  return stats;
}

}  // namespace genre::search
