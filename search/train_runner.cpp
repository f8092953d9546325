#include "search/train_runner.h"

#include "common/error.h"
#include "data/dataset.h"
#include "dist/communicator.h"
#include "dist/mpi.h"
#include "train/agreement.h"
#include "train/config.h"
#include "train/data_parallel.h"
#include "train/failure.h"
#include "train/source_factory.h"
#include "train/metrics.h"
#include "train/threads.h"
#include "train/trainer.h"
#include "train/training_data.h"

namespace genre::search {

namespace {

// The journal keeps an epoch's scalars only (the per-class detail stays in the
// trial's metrics.jsonl).
nlohmann::json scalars(const nlohmann::json& line) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : line.items())
    if (v.is_number() && k != "epoch") out[k] = v;
  return out;
}

nlohmann::json confusion_of(const train::Metrics& m, const std::vector<std::string>& classes) {
  const std::size_t n = classes.size();
  nlohmann::json matrix = nlohmann::json::array();
  for (std::size_t i = 0; i < n; ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (std::size_t j = 0; j < n; ++j) row.push_back(m.confusion.at(i * n + j));
    matrix.push_back(row);
  }
  return {{"split", "test"}, {"classes", classes}, {"matrix", matrix}};
}

}  // namespace

TrainRunner::TrainRunner(std::filesystem::path data, NodePlacement node, std::function<bool()> stop_requested)
    : data_path_(std::move(data)), node_(node), stop_requested_(std::move(stop_requested)) {}

TrainRunner::~TrainRunner() = default;

void TrainRunner::validate(const nlohmann::json& config, const MetricSpec& metric) const {
  bool known = false;
  for (const char* m : kEpochMetrics) known = known || metric.name == m;
  if (!known)
    throw UsageError("metric.name: '" + metric.name +
                     "' is not a validation metric the trainer reports every epoch (val_accuracy, "
                     "val_track_accuracy, val_macro_f1, val_loss)");
  if (train::metric_maximized(metric.name) != (metric.goal == Goal::kMaximize))
    throw UsageError("metric.goal: " + metric.name + " is " +
                     (train::metric_maximized(metric.name) ? "maximized" : "minimized") + ", not " +
                     goal_name(metric.goal) + "d");
  try {
    (void)train::config_from_json(config, "training config");
  } catch (const std::exception& e) {
    // Whatever the trainer finds wrong with a config is a usage error of the spec.
    throw UsageError(describe(e));
  }
}

const train::DataSource& TrainRunner::data_for(train::InputKind kind, const train::DataConfig& config) {
  auto& slot = loaded_[{static_cast<int>(kind), config.memory_budget_mb}];
  if (!slot) {
    if (!dataset_) dataset_ = std::make_unique<data::Dataset>(data::Dataset::open(data_path_));
    slot = std::make_unique<train::OpenedData>(train::open_data(*dataset_, kind, config));
  }
  return *slot->source;
}

TrialResult TrainRunner::run(const TrialAssignment& trial, const dist::Comm& group, const EpochCallback& on_epoch) {
  try {
    train::TrainConfig config = train::config_from_json(trial.config, "trial " + std::to_string(trial.trial));
    const torch::Device device = dist::pick_device(config.train.device, group, dist::LocalRank{node_.rank, node_.size});
    if (device.is_cpu() && config.train.threads == 0) train::set_compute_threads(train::cores_per_rank(node_.size));
    const auto comm = dist::make_communicator(group, device, dist::PeerWait(config.train.peer_timeout_s));

    // Reading the data may fail on one rank alone (its filesystem, its
    // memory): the group agrees on that before it trains (train/agreement.h).
    const train::DataSource* loaded = nullptr;
    train::Agreement agreement(*comm);
    agreement.run([&] {
      if (!dataset_) dataset_ = std::make_unique<data::Dataset>(data::Dataset::open(data_path_));
      const bool has_table = !dataset_->manifest().params.table_columns.empty();
      loaded = &data_for(train::resolve_input(config.data.input, config.model.name, has_table), config.data);
    });
    agreement.settle();
    const train::DataSource& data = *loaded;

    bool interrupt = false;
    train::TrainerOptions options;
    options.out = trial.dir;
    options.resume = trial.attempt > 1;
    options.device = device;
    options.log_epochs = false;  // the coordinator logs the sweep
    options.hooks.on_epoch = [&](const train::EpochRecord& record) {
      EpochReport report;
      report.epoch = record.epoch;
      report.metrics = scalars(record.to_json(data.info().classes));
      report.seconds = record.seconds;
      switch (on_epoch(report)) {
        case Verdict::kContinue: return true;
        case Verdict::kStop: return false;
        case Verdict::kInterrupt: interrupt = true; return true;  // seen after the next step
      }
      return true;
    };
    options.hooks.interrupt_requested = [&] { return interrupt || (stop_requested_ && stop_requested_()); };

    train::DataParallelTrainer trainer(config, data, options, *comm);
    const train::TrainResult r = trainer.run();

    TrialResult result;
    result.epochs = r.epochs_run;
    switch (r.outcome) {
      case train::Outcome::Completed:
      case train::Outcome::EarlyStopped: result.status = TrialResult::Status::kFinished; break;
      case train::Outcome::Stopped: result.status = TrialResult::Status::kStopped; break;
      case train::Outcome::Interrupted: result.status = TrialResult::Status::kInterrupted; return result;
    }
    result.final_metrics = {{"best_epoch", r.best_epoch}, {"outcome", train::to_string(r.outcome)}};
    if (r.has_test) {
      result.final_metrics["test_loss"] = r.test.loss;
      result.final_metrics["test_accuracy"] = r.test.accuracy;
      result.final_metrics["test_track_accuracy"] = r.test.track_accuracy;
      result.final_metrics["test_macro_f1"] = r.test.macro_f1;
      result.confusion = confusion_of(r.test, data.info().classes);
    }
    return result;
  } catch (const c10::Error& e) {
    // Torch's what() carries a C++ backtrace; the journal wants the message.
    throw Error(train::failure_text(e));
  }
}

}  // namespace genre::search
