#pragma once
// The trainer: one run of one config on one TrainingData, writing its run
// folder. Serial by itself; the data-parallel strategy wraps it
// (DataParallelTrainer, STYLE.md §3) by overriding the protected hooks, so this
// file knows nothing of ranks beyond them.
//
// Run folder (written by rank 0 only, when TrainerOptions::out is set):
//   config.yaml     the resolved config
//   model.json      architecture, feature parameters, classes, standardisation
//   checkpoint.pt   weights of the best epoch (by train.metric)
//   state.pt        everything needed to resume (after every epoch and on interruption)
//   metrics.jsonl   one line per epoch; final.json and confusion.csv at the end
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/net.h"
#include "train/config.h"
#include "train/failure.h"
#include "train/metrics.h"
#include "train/training_data.h"

namespace genre::train {

// One finished epoch, identical on every rank.
struct EpochRecord {
  int epoch = 0;  // 1-based
  double lr = 0;
  Metrics train, val;
  bool has_val = false;
  bool improved = false;  // became the best epoch
  double seconds = 0;
  double samples_per_s = 0;
  // The metrics.jsonl line: flat scalars ("val_track_accuracy", ...) plus
  // per-class detail under "train" and "val".
  nlohmann::json to_json(const std::vector<std::string>& classes) const;
  // A scalar by name: "train_loss", "val_accuracy", "val_track_accuracy", "val_macro_f1", ...
  double value(const std::string& name) const;
};

enum class Outcome { Completed, EarlyStopped, Stopped, Interrupted };
std::string to_string(Outcome o);

struct TrainResult {
  Outcome outcome = Outcome::Completed;
  int epochs_run = 0;        // epochs finished, including those before a resume
  int best_epoch = 0;        // 0: none yet
  double best_value = 0;
  Metrics best_val;          // validation metrics of the best epoch
  bool has_test = false;
  Metrics test;              // of the best epoch's weights (not computed when interrupted)
  std::vector<nlohmann::json> history;  // the metrics.jsonl lines
  double seconds = 0;
};

// What the owner of a run plugs in (the search worker, the train command).
struct TrainerHooks {
  // After every epoch, on every rank. Returning false stops the run
  // (Outcome::Stopped, e.g. ASHA pruning); one rank's false stops all of them.
  std::function<bool(const EpochRecord&)> on_epoch;
  // Polled after every step; true on any rank makes every rank save state.pt
  // and return Outcome::Interrupted (SIGTERM from SLURM).
  std::function<bool()> interrupt_requested;
};

struct TrainerOptions {
  std::filesystem::path out;  // the run folder; empty: write nothing
  bool resume = false;        // continue from out/state.pt (a fresh start when there is none)
  torch::Device device = torch::kCPU;
  bool log_epochs = true;     // one log line per epoch on rank 0
  TrainerHooks hooks;
};

class Trainer {
 public:
  // Validates the config against the data (model.name vs the input, the
  // metric vs an empty validation split); throws UsageError naming the key.
  Trainer(TrainConfig config, const TrainingData& data, TrainerOptions options);
  virtual ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  TrainResult run();
  // The model: after run(), with the best epoch's weights (last epoch's when
  // interrupted).
  model::Net& model();
  const Standardizer& standardizer() const;
  const TrainConfig& config() const { return config_; }

 protected:
  // Parallel-strategy hooks; the serial defaults do nothing.
  virtual int rank() const { return 0; }
  virtual int world_size() const { return 1; }
  // Make every rank start from rank 0's parameters and buffers.
  virtual void broadcast_parameters(model::Net&) {}
  // Called after backward with the one flat buffer holding every trainable
  // parameter's gradient (FlatParameters); leaves the mean over ranks in it.
  virtual void average_gradients(const torch::Tensor& /*flat_grads*/) {}
  // Make the floating-point buffers (batch-norm running statistics) equal on
  // all ranks: their mean.
  virtual void average_buffers(model::Net&) {}
  // In place: the element-wise sum over ranks.
  virtual void sum_across_ranks(const torch::Tensor&) {}
  // An agreement point (train/failure.h), one small collective: whether
  // `flag` is true on any rank, and whether any rank's latch has failed.
  struct Agreed {
    bool flag = false, failed = false;
  };
  virtual Agreed agree(bool flag, bool failed) { return {flag, failed}; }
  // After agree() reported a failure, on every rank: throw the lowest failing
  // rank's error (a UsageError if it was one). One rank: the latched error.
  [[noreturn]] virtual void fail_together(const FailureLatch& mine) { mine.rethrow(); }

 private:
  struct Run;
  TrainConfig config_;
  const TrainingData& data_;
  TrainerOptions options_;
  std::unique_ptr<Run> run_;
};

}  // namespace genre::train
