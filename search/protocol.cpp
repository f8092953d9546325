#include "search/protocol.h"
#include "search/json_values.h"

#include <cmath>

#include "common/error.h"

namespace genre::search::protocol {

namespace {
nlohmann::json null_to_nan(const nlohmann::json& metrics) {
  nlohmann::json out = metrics;
  if (out.is_object())
    for (auto& x : out)
      if (x.is_null()) x = std::nan("");
  return out;
}
const char* kind_name(TrialEnd::Kind k) {
  switch (k) {
    case TrialEnd::Kind::kFinished: return "finished";
    case TrialEnd::Kind::kStopped: return "stopped";
    case TrialEnd::Kind::kInterrupted: return "interrupted";
    case TrialEnd::Kind::kFailed: return "failed";
    case TrialEnd::Kind::kGroupLost: return "group lost";  // travels as kGroupLost, not as an end
  }
  return "?";
}
}  // namespace

std::string assignment(const TrialAssignment& a) {
  return nlohmann::json{{"trial", a.trial},
                        {"attempt", a.attempt},
                        {"config", a.config},
                        {"dir", a.dir.string()},
                        {"metric", a.metric.name},
                        {"goal", goal_name(a.metric.goal)}}
      .dump();
}

std::string quit(bool interrupted) { return nlohmann::json{{"quit", true}, {"interrupted", interrupted}}.dump(); }

std::optional<TrialAssignment> parse_assignment(const std::string& text, bool* interrupted) {
  const auto j = nlohmann::json::parse(text);
  if (j.value("quit", false)) {
    *interrupted = j.value("interrupted", false);
    return std::nullopt;
  }
  TrialAssignment a;
  a.trial = j.at("trial").get<int>();
  a.attempt = j.at("attempt").get<int>();
  a.config = j.at("config");
  a.dir = j.at("dir").get<std::string>();
  a.metric.name = j.at("metric").get<std::string>();
  a.metric.goal = parse_goal(j.at("goal").get<std::string>());
  return a;
}

std::string epoch(int group, int trial, const EpochReport& r) {
  return nlohmann::json{{"group", group},
                        {"trial", trial},
                        {"epoch", r.epoch},
                        {"metrics", nan_to_null(r.metrics)},
                        {"seconds", r.seconds}}
      .dump();
}

EpochReport parse_epoch(const nlohmann::json& j) {
  EpochReport r;
  r.epoch = j.at("epoch").get<int>();
  r.metrics = null_to_nan(j.at("metrics"));
  r.seconds = j.value("seconds", 0.0);
  return r;
}

std::string verdict(Verdict v) {
  return nlohmann::json{{"verdict", v == Verdict::kContinue ? "continue" : v == Verdict::kStop ? "stop" : "interrupt"}}
      .dump();
}

Verdict parse_verdict(const std::string& text) {
  const std::string v = nlohmann::json::parse(text).at("verdict").get<std::string>();
  if (v == "continue") return Verdict::kContinue;
  if (v == "stop") return Verdict::kStop;
  if (v == "interrupt") return Verdict::kInterrupt;
  throw Error("unknown verdict '" + v + "'");
}

std::string end(int group, int trial, const TrialEnd& e, double busy_s) {
  nlohmann::json j{{"group", group}, {"trial", trial}, {"kind", kind_name(e.kind)}, {"busy_s", busy_s}};
  if (e.kind == TrialEnd::Kind::kFailed) {
    j["reason"] = e.reason;
    j["epochs"] = e.epochs;
  } else {
    j["epochs"] = e.result.epochs;
    j["final"] = nan_to_null(e.result.final_metrics);
    j["confusion"] = e.result.confusion;
  }
  return j.dump();
}

std::string group_lost(int group, int trial, const std::string& reason) {
  return nlohmann::json{{"group", group}, {"trial", trial}, {"reason", reason}}.dump();
}

TrialEnd parse_end(const nlohmann::json& j) {
  TrialEnd e;
  const std::string kind = j.at("kind").get<std::string>();
  if (kind == "finished") e.kind = TrialEnd::Kind::kFinished;
  else if (kind == "stopped") e.kind = TrialEnd::Kind::kStopped;
  else if (kind == "interrupted") e.kind = TrialEnd::Kind::kInterrupted;
  else if (kind == "failed") e.kind = TrialEnd::Kind::kFailed;
  else throw Error("unknown trial end '" + kind + "'");
  if (e.kind == TrialEnd::Kind::kFailed) {
    e.reason = j.value("reason", std::string());
    e.epochs = j.value("epochs", 0);
  } else {
    e.result.status = e.kind == TrialEnd::Kind::kFinished  ? TrialResult::Status::kFinished
                      : e.kind == TrialEnd::Kind::kStopped ? TrialResult::Status::kStopped
                                                           : TrialResult::Status::kInterrupted;
    e.result.epochs = j.value("epochs", 0);
    e.result.final_metrics = j.value("final", nlohmann::json::object());
    e.result.confusion = j.value("confusion", nlohmann::json());
  }
  return e;
}

}  // namespace genre::search::protocol
