#include "train/progress.h"

#include "common/error.h"

namespace genre::train {

using json = nlohmann::json;

namespace {

const char* const kScalars[] = {"loss", "accuracy", "track_accuracy", "macro_f1"};

// Per-class detail for a metrics.jsonl line (the scalars are flat beside it).
json detail(const Metrics& m, const std::vector<std::string>& classes) {
  json full = to_json(m, classes);
  return {{"precision", full["precision"]}, {"recall", full["recall"]}, {"confusion", full["confusion"]}};
}

}  // namespace

std::string to_string(Outcome o) {
  switch (o) {
    case Outcome::Completed: return "completed";
    case Outcome::EarlyStopped: return "early_stopped";
    case Outcome::Stopped: return "stopped";
    case Outcome::Interrupted: return "interrupted";
  }
  return "?";
}

Outcome parse_outcome(const std::string& s) {
  for (Outcome o : {Outcome::Completed, Outcome::EarlyStopped, Outcome::Stopped, Outcome::Interrupted})
    if (to_string(o) == s) return o;
  throw Error("unknown outcome '" + s + "'");
}

json EpochRecord::to_json(const std::vector<std::string>& classes) const {
  json line = {{"epoch", epoch}, {"lr", lr}};
  for (const char* s : kScalars) line[std::string("train_") + s] = metric_value(train, s);
  if (has_val)
    for (const char* s : kScalars) line[std::string("val_") + s] = metric_value(val, s);
  line["seconds"] = seconds;
  line["samples_per_s"] = samples_per_s;
  line["best"] = improved;
  line["train"] = detail(train, classes);
  if (has_val) line["val"] = detail(val, classes);
  return line;
}

double EpochRecord::value(const std::string& name) const {
  if (name.rfind("train_", 0) == 0) return metric_value(train, name.substr(6));
  if (name.rfind("val_", 0) == 0) {
    if (!has_val) throw Error("metric " + name + ": there is no validation split");
    return metric_value(val, name.substr(4));
  }
  throw Error("unknown metric '" + name + "' (train_* or val_*)");
}

TrainResult result_so_far(const TrainState& state, Outcome outcome) {
  TrainResult r;
  r.outcome = outcome;
  r.epochs_run = state.epoch;
  r.best_epoch = state.best.epoch;
  r.best_value = state.best.value;
  r.history = state.history;
  return r;
}

}  // namespace genre::train
