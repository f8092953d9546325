#include "search/mpi_sweep.h"

#include <chrono>
#include <numeric>

#include "common/error.h"
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

SweepStats serve(Coordinator& coordinator, const dist::Comm& world, int groups, int ranks_per_trial,
                 const std::function<bool()>& stop_requested) {
  SweepStats stats;
  stats.busy_s.assign(static_cast<std::size_t>(groups), 0.0);
  const auto started = Clock::now();
  int alive = groups;
  dist::PollBackoff backoff;  // a reply is never late by more than 1 ms
  // Answers whose proposals the suggestion thread has computed meanwhile.
  const auto send_answers = [&] {
    for (const auto& a : coordinator.answers()) {
      world.send(a.trial ? protocol::assignment(*a.trial) : protocol::quit(coordinator.interrupted()),
                 1 + a.group * ranks_per_trial, protocol::kAssign);
      if (!a.trial) --alive;
    }
  };
  while (alive > 0) {
    if (!coordinator.interrupted() && stop_requested && stop_requested()) coordinator.interrupt();
    send_answers();
    if (alive == 0) break;
    if (!world.message_waiting()) {
      backoff.idle();
      continue;
    }
    backoff.activity();
    const auto handling = Clock::now();
    int from = 0, tag = 0;
    const std::string text = world.recv(MPI_ANY_SOURCE, MPI_ANY_TAG, &from, &tag);
    ++stats.messages;
    const int group = (from - 1) / ranks_per_trial;
    if (from < 1 || (from - 1) % ranks_per_trial != 0 || group >= groups)
      throw Error("rank " + std::to_string(from) + " is no group leader but sent tag " + std::to_string(tag));
    try {
      switch (tag) {
        case protocol::kRequest:
          coordinator.request(group);  // answered by send_answers(), now or once its proposal is computed
          break;
        case protocol::kEpoch: {
          const auto j = nlohmann::json::parse(text);
          const Verdict v = coordinator.epoch(group, j.at("trial").get<int>(), protocol::parse_epoch(j));
          world.send(protocol::verdict(v), from, protocol::kVerdict);
          break;
        }
        case protocol::kEnd: {
          const auto j = nlohmann::json::parse(text);
          stats.busy_s[static_cast<std::size_t>(group)] += j.value("busy_s", 0.0);
          coordinator.end(group, j.at("trial").get<int>(), protocol::parse_end(j));
          break;
        }
        default:
          throw Error("unexpected message tag " + std::to_string(tag));
      }
    } catch (const nlohmann::json::exception& e) {
      throw Error("malformed message from rank " + std::to_string(from) + ": " + e.what());
    }
    send_answers();
    stats.coordinator_s += since(handling);
  }
  stats.wall_s = since(started);
  return stats;
}

bool work(const dist::Comm& world, const dist::Comm& group, int group_index, TrialRunner& runner) {
  const bool leader = group.rank() == 0;
  const std::string request = nlohmann::json{{"group", group_index}}.dump();
  while (true) {
    std::string text;
    if (leader) {
      world.send(request, 0, protocol::kRequest);
      text = world.recv(0, protocol::kAssign);
    }
    text = group.broadcast(text, 0);
    bool interrupted = false;
    const auto trial = protocol::parse_assignment(text, &interrupted);
    if (!trial) return interrupted;
    const auto started = Clock::now();
    const TrialEnd end = train_trial(runner, *trial, group, [&](const EpochReport& r) {
      std::string verdict;
      if (leader) {
        world.send(protocol::epoch(group_index, trial->trial, r), 0, protocol::kEpoch);
        verdict = world.recv(0, protocol::kVerdict);
      }
      return protocol::parse_verdict(group.broadcast(verdict, 0));
    });
    const double busy = since(started);
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
