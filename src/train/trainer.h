#pragma once
// The trainer: one run of one config on one data source, writing its run
// folder. Trainer::run() is the recipe, an epoch loop over named stages, each
// its own unit with its own test (docs/trainer.md):
//   batches      data_source.h     this rank's part of each global batch and its
//                                  share of val/test (backend: in_memory_source.h)
//   step         step.h            forward, loss, backward, the optimiser's update
//   evaluation   evaluation.h      a part's metric sums (metric_sums.h)
//   checkpoint   run_folder.h      state.pt, checkpoint.pt, the run folder's files, resume
//   early stop   early_stopping.h  the best epoch and patience
//   agreement    agreement.h       ranks failing together
// Serial by itself; the data-parallel strategy wraps it (DataParallelTrainer,
// STYLE.md §3) by overriding the protected hooks, so this file knows nothing
// of ranks beyond them.
//
// Run folder (written by rank 0 only, when TrainerOptions::out is set):
//   config.yaml     the resolved config
//   model.json      architecture, feature parameters, classes, standardisation
//   checkpoint.pt   weights of the best epoch (by train.metric)
//   state.pt        everything needed to resume (after every epoch and on interruption)
//   metrics.jsonl   one line per epoch; final.json and confusion.csv at the end
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/net.h"
#include "train/agreement.h"
#include "train/config.h"
#include "train/data_source.h"
#include "train/metrics.h"
#include "train/progress.h"
#include "train/training_data.h"

namespace genre::train {

struct Resumed;  // run_folder.h

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
  // `data` must outlive the trainer.
  Trainer(TrainConfig config, const DataSource& data, TrainerOptions options);
  // The same on the in-memory backend over `data` (InMemorySource).
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
  // The ranks' failure agreement (agreement.h); serial: a rank alone.
  virtual Agreement make_agreement() { return Agreement(); }

 private:
  struct Run;
  using Clock = std::chrono::steady_clock;
  Trainer(TrainConfig config, std::unique_ptr<DataSource> owned, TrainerOptions options);
  void check_fit() const;
  int classes() const { return static_cast<int>(data_.info().classes.size()); }
  // The stages, in the order run() calls them.
  void build_model(Run& r);
  void open_data(Run& r);
  void resume_or_start(Run& r);
  void set_up_optimizer(Run& r);
  void continue_from(Run& r, Resumed& saved);
  bool step(Run& r);
  TrainResult interrupted(Run& r, Clock::time_point epoch_start, Clock::time_point started);
  EpochRecord end_epoch(Run& r, double lr, std::int64_t first_step, Clock::time_point epoch_start);
  Metrics metrics_of(Run& r, EvalBatches& part, const PartInfo& info);
  bool owner_stops(Run& r, const EpochRecord& record);
  void next_epoch(Run& r, bool stop);
  TrainResult finish(Run& r, Clock::time_point started);
  void log_epoch(const EpochRecord& record) const;

  TrainConfig config_;
  std::unique_ptr<DataSource> owned_data_;  // the in-memory backend, when built from TrainingData
  const DataSource& data_;
  TrainerOptions options_;
  std::unique_ptr<Run> run_;
};

}  // namespace genre::train
