#include "train/trainer.h"

#include <cmath>
#include <optional>

#include "common/error.h"
#include "common/log.h"
#include "model/registry.h"
#include "train/early_stopping.h"
#include "train/evaluation.h"
#include "train/flat_parameters.h"
#include "train/in_memory_source.h"
#include "train/metric_sums.h"
#include "train/model_file.h"
#include "train/optimizer.h"
#include "train/run_folder.h"
#include "train/schedule.h"
#include "train/step.h"
#include "train/threads.h"

namespace genre::train {

using json = nlohmann::json;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The weights in memory: parameters, then buffers.
std::vector<torch::Tensor> snapshot(model::Net& net) {
  std::vector<torch::Tensor> s;
  for (const auto& p : net.parameters()) s.push_back(p.detach().clone());
  for (const auto& b : net.buffers()) s.push_back(b.detach().clone());
  return s;
}

void restore(model::Net& net, const std::vector<torch::Tensor>& s) {
  torch::NoGradGuard no_grad;
  std::size_t i = 0;
  for (auto& p : net.parameters()) p.copy_(s.at(i++));
  for (auto& b : net.buffers()) b.copy_(s.at(i++));
}

}  // namespace

// Everything of one run that lives between steps: the stages and their state.
struct Trainer::Run {
  Run(Agreement a, RunFolder f, EarlyStopping e)
      : agreement(std::move(a)), folder(std::move(f)), stopping(std::move(e)) {}
  Agreement agreement;
  RunFolder folder;
  EarlyStopping stopping;
  model::NetPtr net;
  Standardizer standardizer;
  ModelCard card;
  std::unique_ptr<TrainBatches> train;
  std::unique_ptr<EvalBatches> val, test;  // null: the part is empty
  std::unique_ptr<MetricSums> train_sums;  // of the current epoch, on the device
  std::unique_ptr<FlatParameters> params;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  std::unique_ptr<Step> step;
  TrainState state;
  std::vector<torch::Tensor> best;  // the best epoch's weights (snapshot)
};

Trainer::Trainer(TrainConfig config, const DataSource& data, TrainerOptions options)
    : config_(std::move(config)), data_(data), options_(std::move(options)) {
  check_fit();
}

Trainer::Trainer(TrainConfig config, const TrainingData& data, TrainerOptions options)
    : Trainer(std::move(config), std::make_unique<InMemorySource>(data), std::move(options)) {}

Trainer::Trainer(TrainConfig config, std::unique_ptr<DataSource> owned, TrainerOptions options)
    : config_(std::move(config)), owned_data_(std::move(owned)), data_(*owned_data_), options_(std::move(options)) {
  check_fit();
}

Trainer::~Trainer() = default;

void Trainer::check_fit() const {
  validate(config_);
  if (data_.info().train.samples == 0) throw UsageError("the training split is empty");
  if (config_.train.patience > 0 && data_.info().val.samples == 0)
    throw UsageError("train.patience: early stopping needs a validation split, the data has none");
}

model::Net& Trainer::model() {
  if (!run_) throw Error("the trainer has not run yet");
  return *run_->net;
}

const Standardizer& Trainer::standardizer() const {
  if (!run_) throw Error("the trainer has not run yet");
  return run_->standardizer;
}

// The recipe. Each rank's own work runs inside the agreement (agreement.h);
// the stages below settle it wherever the ranks must meet anyway.
TrainResult Trainer::run() {
  const auto started = Clock::now();
  const TrainConfig& c = config_;
  if (c.train.threads > 0) set_compute_threads(c.train.threads);
  run_ = std::make_unique<Run>(make_agreement(), RunFolder(options_.out, rank() == 0),
                               EarlyStopping(c.train, data_.info().val.samples > 0));
  Run& r = *run_;
  build_model(r);
  open_data(r);
  resume_or_start(r);
  while (!r.state.finished && r.state.epoch < c.train.epochs) {
    const auto epoch_start = Clock::now();
    const double lr = learning_rate(c.schedule, c.optim.lr, r.state.epoch, c.train.epochs);
    set_learning_rate(*r.optimizer, lr);
    const std::int64_t first_step = r.state.step;
    for (; r.state.step < r.train->steps(); ++r.state.step)
      if (step(r)) return interrupted(r, epoch_start, started);
    const EpochRecord record = end_epoch(r, lr, first_step, epoch_start);
    next_epoch(r, owner_stops(r, record));
  }
  r.agreement.settle();
  return finish(r, started);
}

// The same initial weights on every rank (the broadcast makes sure).
void Trainer::build_model(Run& r) {
  r.agreement.run([&] {
    torch::manual_seed(config_.train.seed);
    r.net = model::build_model(config_.model, data_.info().sample_shape, classes());
    r.net->to(options_.device);
  });
  r.agreement.settle();
  broadcast_parameters(*r.net);
}

// The standardisation (fitted on the training split), this rank's batches of
// every part, and what the model card says about the input.
void Trainer::open_data(Run& r) {
  const DataInfo& info = data_.info();
  r.agreement.run([&] {
    r.standardizer = config_.data.standardize ? data_.fit_standardizer() : Standardizer{};
    BatchPlan plan;
    plan.rank = rank();
    plan.ranks = world_size();
    plan.batch_size = config_.data.batch_size;
    plan.eval_batch_size = config_.data.eval_batch_size;
    plan.seed = config_.train.seed;
    plan.shuffle = config_.data.shuffle;
    plan.device = options_.device;
    plan.standardizer = r.standardizer;
    r.train = data_.training(plan);
    if (info.val.samples > 0) r.val = data_.evaluation(data::Part::Val, plan);
    if (info.test.samples > 0) r.test = data_.evaluation(data::Part::Test, plan);
    r.train_sums = std::make_unique<MetricSums>(classes(), info.train.tracks(), options_.device);
  });
  r.card = ModelCard{config_, info.input, info.sample_shape, info.classes, info.params, r.standardizer, json::object()};
  r.card.features.classes = info.classes;
}

// Decided together: every rank reads state.pt, rank 0 alone writes it.
void Trainer::resume_or_start(Run& r) {
  const bool resumed = r.agreement.settle(options_.resume && r.folder.has_state());
  r.agreement.run([&] {
    std::optional<Resumed> saved;
    if (resumed) {
      saved = r.folder.read_state(config_, options_.device, rank(), world_size());
      r.net->load(saved->model);  // replaces the parameters' storage, so it comes before flattening
    }
    set_up_optimizer(r);
    if (saved)
      continue_from(r, *saved);
    else
      r.folder.start(config_, r.card);
  });
  r.agreement.settle();
}

// What the optimiser updates is decided here, once the weights are final:
// the parameters FlatParameters gathers, those with requires_grad (a model
// that freezes layers clears it on them before this point).
void Trainer::set_up_optimizer(Run& r) {
  r.params = std::make_unique<FlatParameters>(*r.net);
  r.optimizer = make_optimizer(config_.optim, *r.params);
  r.step = std::make_unique<Step>(*r.net, *r.params, *r.optimizer, config_.train.label_smoothing, world_size());
}

void Trainer::continue_from(Run& r, Resumed& saved) {
  r.optimizer->load(saved.optimizer);
  // Rank 0 saved the sums over all ranks; the others add nothing more.
  if (rank() == 0) r.train_sums->values().copy_(saved.sums.to(options_.device));
  r.state = std::move(saved.state);
  if (r.state.best.epoch > 0) {
    // The best epoch's weights, to restore at the end.
    const model::NetPtr best = model::build_model(config_.model, data_.info().sample_shape, classes());
    r.folder.load_best(*best);
    best->to(options_.device);
    r.best = snapshot(*best);
  }
  // Lines written after the state was saved are dropped: they will be redone.
  r.folder.rewrite_metrics(r.state.history);
  if (options_.log_epochs && rank() == 0)
    spdlog::info("resuming {} at epoch {} step {}", options_.out.string(), r.state.epoch + 1, r.state.step);
}

// One step: this rank's gradients, their mean over ranks, the update. Returns
// whether any rank asked for an interruption.
bool Trainer::step(Run& r) {
  const TrainState& s = r.state;
  seed_step(config_.train.seed, s.epoch, r.train->steps(), s.step, rank());
  r.step->clear();
  r.agreement.run([&] { r.step->gradients(r.train->batch(s.epoch, s.step), *r.train_sums); });
  // A failed rank still joins the allreduce, with zero gradients; the
  // agreement below ends the step on every rank.
  if (r.agreement.failed()) r.step->clear();
  average_gradients(r.params->grads());
  bool interrupt = false;
  r.agreement.run([&] {
    r.step->update();
    interrupt = options_.hooks.interrupt_requested && options_.hooks.interrupt_requested();
  });
  return r.agreement.settle(interrupt);
}

TrainResult Trainer::interrupted(Run& r, Clock::time_point epoch_start, Clock::time_point started) {
  ++r.state.step;
  sum_across_ranks(r.train_sums->values());  // rank 0 saves the total of every rank's partial sums
  r.state.epoch_seconds += seconds_since(epoch_start);
  r.folder.save_state(r.state, *r.net, *r.optimizer, r.train_sums->values(), config_);
  TrainResult result = result_so_far(r.state, Outcome::Interrupted);
  result.seconds = seconds_since(started);
  if (options_.log_epochs && rank() == 0)
    spdlog::warn("interrupted in epoch {} after step {}; state saved for --resume", r.state.epoch + 1, r.state.step);
  return result;
}

// The epoch's training metrics, its validation, the best checkpoint and its
// metrics.jsonl line.
EpochRecord Trainer::end_epoch(Run& r, double lr, std::int64_t first_step, Clock::time_point epoch_start) {
  const DataInfo& info = data_.info();
  sum_across_ranks(r.train_sums->values());
  average_buffers(*r.net);
  EpochRecord record;
  record.epoch = r.state.epoch + 1;
  record.lr = lr;
  record.train = r.train_sums->metrics(info.train.track_label);
  // Every rank sees the same reduced loss, so all of them stop here alike.
  if (!std::isfinite(record.train.loss))
    throw Error("training diverged: the training loss is " + std::to_string(record.train.loss) + " in epoch " +
                std::to_string(record.epoch) + " (try a lower optim.lr)");
  record.has_val = r.val != nullptr;
  if (record.has_val) record.val = metrics_of(r, *r.val, info.val);
  r.state.epoch_seconds += seconds_since(epoch_start);
  record.seconds = r.state.epoch_seconds;
  const std::int64_t steps = r.train->steps();
  record.samples_per_s = static_cast<double>(info.train.samples) * static_cast<double>(steps - first_step) /
                         static_cast<double>(steps) / std::max(1e-9, r.state.epoch_seconds);
  record.improved = r.stopping.improved(record.epoch, record.val, r.state.best);
  if (record.improved) r.agreement.run([&] {
      r.best = snapshot(*r.net);
      r.folder.save_best(*r.net);
    });
  const json line = record.to_json(info.classes);
  r.state.history.push_back(line);
  r.agreement.run([&] { r.folder.append_metrics(line); });
  // Rank 0's writes settled before the callback, which may itself talk
  // across ranks (the sweep's verdict).
  r.agreement.settle();
  log_epoch(record);
  return record;
}

// Each rank evaluates its share; the sums meet in one reduction.
Metrics Trainer::metrics_of(Run& r, EvalBatches& part, const PartInfo& info) {
  MetricSums sums(classes(), info.tracks(), options_.device);
  r.agreement.run([&] { evaluate(*r.net, part, config_.train.label_smoothing, sums); });
  r.agreement.settle();
  sum_across_ranks(sums.values());
  return sums.metrics(info.track_label);
}

// The run's owner sees the epoch (the sweep's verdict); one rank's "stop" stops all.
bool Trainer::owner_stops(Run& r, const EpochRecord& record) {
  bool keep_going = true;
  r.agreement.run([&] { keep_going = !options_.hooks.on_epoch || options_.hooks.on_epoch(record); });
  return r.agreement.settle(!keep_going);
}

// The counters of the next epoch, the stopping rules, state.pt.
void Trainer::next_epoch(Run& r, bool stop) {
  TrainState& s = r.state;
  const bool early = r.stopping.exhausted(s.best);
  ++s.epoch;
  s.step = 0;
  s.epoch_seconds = 0;
  r.train_sums->zero();
  if (stop || early) {
    s.finished = true;
    s.finished_as = stop ? Outcome::Stopped : Outcome::EarlyStopped;
    if (options_.log_epochs && rank() == 0 && stop) spdlog::info("stopped after epoch {} at the caller's request", s.epoch);
    if (options_.log_epochs && rank() == 0 && !stop)
      spdlog::info("early stop after epoch {}: no better {} for {} epochs", s.epoch, config_.train.metric,
                   config_.train.patience);
  }
  // Settled at the next agreement point.
  r.agreement.run([&] { r.folder.save_state(s, *r.net, *r.optimizer, r.train_sums->values(), config_); });
}

// The best epoch's weights decide the final metrics and stay in the trainer.
TrainResult Trainer::finish(Run& r, Clock::time_point started) {
  const DataInfo& info = data_.info();
  if (!r.best.empty()) restore(*r.net, r.best);
  TrainResult result = result_so_far(r.state, r.state.finished ? r.state.finished_as : Outcome::Completed);
  if (r.val && !r.state.history.empty() && r.state.best.epoch > 0) result.best_val = metrics_of(r, *r.val, info.val);
  result.has_test = r.test != nullptr;
  if (result.has_test) result.test = metrics_of(r, *r.test, info.test);
  result.seconds = seconds_since(started);
  r.folder.finish(r.card, result, config_, info, world_size());
  if (options_.log_epochs && rank() == 0 && result.has_test)
    spdlog::info("test (best epoch {}): acc {:.4f} track {:.4f} macro F1 {:.4f}{}", result.best_epoch,
                 result.test.accuracy, result.test.track_accuracy, result.test.macro_f1,
                 info.split_leaks ? " (segment-level split: test tracks were also seen in training)" : "");
  return result;
}

void Trainer::log_epoch(const EpochRecord& record) const {
  if (!options_.log_epochs || rank() != 0) return;
  std::string text = fmt::format("epoch {}/{} lr {:.3g} | train loss {:.4f} acc {:.4f}", record.epoch,
                                 config_.train.epochs, record.lr, record.train.loss, record.train.accuracy);
  if (record.has_val)
    text += fmt::format(" | val loss {:.4f} acc {:.4f} track {:.4f} f1 {:.4f}", record.val.loss, record.val.accuracy,
                        record.val.track_accuracy, record.val.macro_f1);
  spdlog::info("{} | {:.1f} s, {:.0f} samples/s{}", text, record.seconds, record.samples_per_s,
               record.improved ? " *" : "");
}

}  // namespace genre::train
