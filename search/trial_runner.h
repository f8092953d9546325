#pragma once
// The search's narrow view of training: run one trial's config on a group of
// ranks, report every epoch, stop when told. The trainer adapter
// (train_runner.h) implements it with the real trainer; objective_runner.h
// with a deterministic function of the config for tests and benchmarks.
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "dist/mpi.h"
#include "search/spec.h"

namespace genre::search {

// The validation metrics every runner reports every epoch: the names a
// sweep's metric may take.
inline constexpr const char* kEpochMetrics[] = {"val_accuracy", "val_track_accuracy", "val_macro_f1", "val_loss"};

struct EpochReport {
  int epoch = 0;             // epochs completed (1-based)
  nlohmann::json metrics;    // {"train_loss": ..., "val_track_accuracy": ..., ...}
  double seconds = 0;        // wall time of this epoch (training and evaluation)
};

// What the coordinator answers to an epoch report.
enum class Verdict {
  kContinue,   // train on
  kStop,       // stop early (pruned): finish as after the last epoch, keep the best checkpoint
  kInterrupt,  // the job is ending: checkpoint for --resume and return kInterrupted
};

// Called on every rank of the group after each epoch, with the same report on
// every rank; the worker makes every rank get the same verdict.
using EpochCallback = std::function<Verdict(const EpochReport&)>;

struct TrialAssignment {
  int trial = -1;
  int attempt = 1;              // > 1: restarted by --resume; continue from dir's checkpoint if there is one
  nlohmann::json config;        // the full training config
  std::filesystem::path dir;    // runs/<sweep>/trials/<id>/, created before run()
  MetricSpec metric;            // the checkpoint keeps the best epoch by it
};

struct TrialResult {
  enum class Status { kFinished, kStopped, kInterrupted };
  Status status = Status::kFinished;
  int epochs = 0;                 // epochs completed in all
  nlohmann::json final_metrics;   // test metrics of the best checkpoint (test_*), when evaluated
  // {"split": "test", "classes": [...], "matrix": [[...]]} of the best checkpoint, or null.
  nlohmann::json confusion;
};

// Where a rank sits: its index among the job's ranks on its node, and their
// number (for one GPU per rank, and for sharing the node's cores).
struct NodePlacement {
  int rank = 0;
  int size = 1;
};

class TrialRunner {
 public:
  virtual ~TrialRunner() = default;
  // Throws UsageError naming the key when `config` cannot be trained, or when
  // `metric` is not a metric reported every epoch. Runs on rank 0 before any work.
  virtual void validate(const nlohmann::json& config, const MetricSpec& metric) const = 0;
  // Trains one trial; every rank of `group` calls it. A failure (bad config,
  // NaN loss, out of memory) is thrown; the worker journals it as failed.
  virtual TrialResult run(const TrialAssignment& trial, const dist::Comm& group, const EpochCallback& on_epoch) = 0;
};

}  // namespace genre::search
