#pragma once
// The messages between the coordinator (world rank 0) and the leaders of the
// worker groups (group rank 0), as JSON text. A group's leader asks for work,
// reports every epoch and waits for the verdict, and reports the trial's end;
// the coordinator answers each message as it arrives, so groups never wait
// for each other. One message may come from any rank of a group: that a rank
// of it fell silent (the leader may be the silent one).
#include <nlohmann/json.hpp>
#include <string>

#include "search/coordinator.h"
#include "search/trial_runner.h"

namespace genre::search::protocol {

enum Tag : int {
  kRequest = 101,  // leader -> coordinator: {"group"}
  kAssign = 102,   // coordinator -> leader: an assignment, or {"quit": true, "interrupted": bool}
  kEpoch = 103,    // leader -> coordinator: {"group", "trial", "epoch", "metrics", "seconds"}
  kVerdict = 104,  // coordinator -> leader: {"verdict": "continue" | "stop" | "interrupt"}
  kEnd = 105,      // leader -> coordinator: {"group", "trial", "kind", ..., "busy_s"}
  kGroupLost = 106,  // any rank of a group -> coordinator: {"group", "trial", "reason"}: a rank fell silent
};

std::string assignment(const TrialAssignment& a);
std::string quit(bool interrupted);
// nullopt for a quit message (and *interrupted says why).
std::optional<TrialAssignment> parse_assignment(const std::string& text, bool* interrupted);

std::string epoch(int group, int trial, const EpochReport& r);
EpochReport parse_epoch(const nlohmann::json& j);

std::string verdict(Verdict v);
Verdict parse_verdict(const std::string& text);

std::string end(int group, int trial, const TrialEnd& e, double busy_s);

std::string group_lost(int group, int trial, const std::string& reason);
TrialEnd parse_end(const nlohmann::json& j);

}  // namespace genre::search::protocol
