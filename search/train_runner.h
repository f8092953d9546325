#pragma once
// The adapter from the search's TrialRunner to the trainer (src/train): a
// trial is one DataParallelTrainer run over the group's communicator, writing
// its run folder (config.yaml, model.json, checkpoint.pt, state.pt,
// metrics.jsonl, final.json, confusion.csv) into the trial folder. The
// dataset is opened once per process and each input kind's data source (held
// in memory, or streamed when larger than the trial's data.memory_budget_mb:
// train/source_factory.h) opened once, then shared by every trial the
// process trains.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "search/trial_runner.h"

namespace genre::data {
class Dataset;
}
namespace genre::train {
struct OpenedData;
class DataSource;
struct DataConfig;
enum class InputKind;
}  // namespace genre::train

namespace genre::search {

class TrainRunner : public TrialRunner {
 public:
  // stop_requested: the process's stop signal (SIGTERM), polled after every step.
  TrainRunner(std::filesystem::path data, NodePlacement node, std::function<bool()> stop_requested);
  ~TrainRunner() override;
  void validate(const nlohmann::json& config, const MetricSpec& metric) const override;
  TrialResult run(const TrialAssignment& trial, const dist::Comm& group, const EpochCallback& on_epoch) override;

 private:
  const train::DataSource& data_for(train::InputKind kind, const train::DataConfig& config);
  std::filesystem::path data_path_;
  NodePlacement node_;
  std::function<bool()> stop_requested_;
  std::unique_ptr<data::Dataset> dataset_;
  // By InputKind and budget: trials of one sweep mostly share both.
  std::map<std::pair<int, int>, std::unique_ptr<train::OpenedData>> loaded_;
};

}  // namespace genre::search
