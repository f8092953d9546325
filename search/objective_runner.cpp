#include "search/objective_runner.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <new>
#include <thread>

#include "common/error.h"
#include "common/file_io.h"
#include "config/yaml_json.h"
#include "search/test_functions.h"

namespace genre::search {

using config::json_to_yaml;

namespace {

double number_at(const nlohmann::json& config, const std::string& key, double fallback) {
  const auto* v = find_dotted(config, key);
  if (!v) return fallback;
  if (!v->is_number()) throw UsageError(key + ": must be a number (got " + v->dump() + ")");
  return v->get<double>();
}

int epochs_of(const nlohmann::json& config) { return static_cast<int>(number_at(config, kEpochsKey, 10)); }

nlohmann::json epoch_metrics(double v, bool nan_loss) {
  return {{"val_track_accuracy", v},
          {"val_accuracy", 0.95 * v},
          {"val_macro_f1", 0.9 * v},
          {"val_loss", 1 - v},
          {"train_track_accuracy", std::min(1.0, v + 0.05)},
          {"train_loss", nan_loss ? std::nan("") : 0.95 - v}};
}

// Written by the group's rank 0 after every epoch; the epoch to resume after.
int read_checkpoint(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return 0;
  const auto j = nlohmann::json::parse(in, nullptr, false);
  return j.is_object() ? j.value("epoch", 0) : 0;
}

void write_checkpoint(const std::filesystem::path& file, int epoch) {
  write_durably(file, nlohmann::json{{"epoch", epoch}}.dump() + "\n");
}

// Whether any rank of the group saw the flag (the trainer does the same).
bool any_rank(const dist::Comm& group, bool flag) {
  const auto all = group.gather(flag ? "1" : "0", 0);
  bool any = false;
  for (const auto& s : all) any = any || s == "1";
  return group.broadcast(any ? "1" : "0", 0) == "1";
}

}  // namespace

ObjectiveRunner::ObjectiveRunner(std::function<bool()> stop_requested) : stop_requested_(std::move(stop_requested)) {}

double ObjectiveRunner::loss(const nlohmann::json& config, int epoch) {
  const auto& o = *find_dotted(config, "objective");
  const double r = number_at(config, "objective.rate", 0.5);
  // Decays to 0 at the last epoch, so the trial's final val_loss is f itself.
  const double decay = std::pow(1 - r, epoch) - std::pow(1 - r, epochs_of(config));
  return test_function(o.at("function").get<std::string>(), o) + test_function_noise(o) + decay;
}

double ObjectiveRunner::value(const nlohmann::json& config, int epoch) {
  if (const auto* f = find_dotted(config, "objective.function"); f && f->is_string()) return 1 - loss(config, epoch);
  const double q = number_at(config, "objective.quality", 0.5);
  const double r = number_at(config, "objective.rate", 0.5);
  return q * (1 - std::pow(1 - r, epoch));
}

void ObjectiveRunner::validate(const nlohmann::json& config, const MetricSpec& metric) const {
  bool known = false;
  for (const char* m : kEpochMetrics) known = known || metric.name == m;
  if (!known) throw UsageError("metric.name: '" + metric.name + "' is not reported every epoch");
  const double q = number_at(config, "objective.quality", 0.5), r = number_at(config, "objective.rate", 0.5);
  if (q < 0 || q > 1) throw UsageError("objective.quality: must be in [0, 1] (got " + std::to_string(q) + ")");
  if (r <= 0 || r > 1) throw UsageError("objective.rate: must be in (0, 1] (got " + std::to_string(r) + ")");
  if (epochs_of(config) < 1) throw UsageError(std::string(kEpochsKey) + ": must be at least 1");
  if (number_at(config, "objective.epoch_s", 0) < 0) throw UsageError("objective.epoch_s: must not be negative");
  if (const auto* f = find_dotted(config, "objective.function")) {
    if (!f->is_string()) throw UsageError("objective.function: must be the name of a test function");
    loss(config, 1);  // an unknown function or a bad coordinate: UsageError naming its key
  }
}

TrialResult ObjectiveRunner::run(const TrialAssignment& trial, const dist::Comm& group, const EpochCallback& on_epoch) {
  const nlohmann::json& config = trial.config;
  const int epochs = epochs_of(config);
  const double epoch_s = number_at(config, "objective.epoch_s", 0);
  const int fail_at = static_cast<int>(number_at(config, "objective.fail_at_epoch", 0));
  const int nan_at = static_cast<int>(number_at(config, "objective.nan_at_epoch", 0));
  const int oom_at = static_cast<int>(number_at(config, "objective.oom_at_epoch", 0));
  const auto checkpoint = trial.dir / "objective_state.json";
  const bool writer = group.rank() == 0;
  if (writer) {
    write_durably(trial.dir / "config.yaml", json_to_yaml(config));
  }
  int start = trial.attempt > 1 ? read_checkpoint(checkpoint) : 0;
  start = std::stoi(group.broadcast(std::to_string(start), 0));

  TrialResult result;
  result.epochs = start;
  int best_epoch = 0;
  double best = 0;
  for (int e = start + 1; e <= epochs; ++e) {
    // "Training": sleep in short slices so that a stop signal is seen quickly.
    const auto began = std::chrono::steady_clock::now();
    const auto until = began + std::chrono::duration<double>(epoch_s);
    bool stop = false;
    while (!stop && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::min<std::chrono::duration<double>>(until - std::chrono::steady_clock::now(),
                                                                          std::chrono::milliseconds(20)));
      stop = stop_requested_ && stop_requested_();
    }
    if (any_rank(group, stop || (stop_requested_ && stop_requested_()))) {
      result.status = TrialResult::Status::kInterrupted;  // the checkpoint of epoch e - 1 stands
      result.epochs = e - 1;
      return result;
    }
    if (e == fail_at) throw Error("objective: failing in epoch " + std::to_string(e) + " as configured");
    if (e == oom_at) throw std::bad_alloc();
    EpochReport report;
    report.epoch = e;
    report.metrics = epoch_metrics(value(config, e), e == nan_at);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    const double v = value(config, e);
    if (best_epoch == 0 || v > best) best_epoch = e, best = v;
    if (writer) write_checkpoint(checkpoint, e);
    result.epochs = e;
    const Verdict verdict = on_epoch(report);
    // As the trainer: an interrupt is acted on at the next step, so after the
    // last epoch the trial simply ends.
    if (verdict == Verdict::kInterrupt && e < epochs) {
      result.status = TrialResult::Status::kInterrupted;
      return result;
    }
    if (verdict == Verdict::kStop) {
      result.status = TrialResult::Status::kStopped;
      break;
    }
  }
  // A resumed trial's best epoch may lie before the restart: recompute it.
  for (int e = 1; e <= result.epochs; ++e)
    if (best_epoch == 0 || value(config, e) > best) best_epoch = e, best = value(config, e);
  result.final_metrics = {{"test_track_accuracy", 0.98 * best},
                          {"test_accuracy", 0.98 * 0.95 * best},
                          {"test_macro_f1", 0.98 * 0.9 * best},
                          {"test_loss", 1 - 0.98 * best},
                          {"best_epoch", best_epoch}};
  const int q = static_cast<int>(std::lround(10 * number_at(config, "objective.quality", 0.5)));
  result.confusion = {{"split", "test"},
                      {"classes", {"blues", "classical", "country"}},
                      {"matrix", {{q, 10 - q, 0}, {0, q, 10 - q}, {10 - q, 0, q}}}};
  return result;
}

}  // namespace genre::search
