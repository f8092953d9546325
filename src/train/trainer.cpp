#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "common/error.h"
#include "common/log.h"
#include "common/file_io.h"
#include "model/registry.h"
#include "train/flat_parameters.h"
#include "train/model_file.h"
#include "train/schedule.h"
#include "train/threads.h"

namespace genre::train {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string to_string(Outcome o) {
  switch (o) {
    case Outcome::Completed: return "completed";
    case Outcome::EarlyStopped: return "early_stopped";
    case Outcome::Stopped: return "stopped";
    case Outcome::Interrupted: return "interrupted";
  }
  return "?";
}

namespace {

const char* const kScalars[] = {"loss", "accuracy", "track_accuracy", "macro_f1"};

// Per-class detail for a metrics.jsonl line (the scalars are flat beside it).
json detail(const Metrics& m, const std::vector<std::string>& classes) {
  json full = to_json(m, classes);
  return {{"precision", full["precision"]}, {"recall", full["recall"]}, {"confusion", full["confusion"]}};
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64: decorrelates nearby seeds
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The epoch's order of the training samples: the same on every rank and on
// every platform (our own Fisher-Yates on mt19937_64, not std::shuffle).
std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, int epoch, bool shuffle) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[i] = i;
  if (!shuffle) return order;
  std::mt19937_64 rng(mix(seed ^ mix(static_cast<std::uint64_t>(epoch) + 1)));
  for (std::int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng() % static_cast<std::uint64_t>(i + 1)]);
  return order;
}

// Adds one batch's loss, count, confusion and per-track probabilities to the
// sums (layout in metrics.h). On the CPU a plain loop over the batch's few
// numbers: as tensor ops these were a fifth of the MLP's training step. On
// other devices tensor ops that keep everything there.
void add_to_sums(const torch::Tensor& sums, const SumsLayout& layout, const torch::Tensor& logp_in,
                 const torch::Tensor& y_in, const torch::Tensor& track_in, const torch::Tensor& loss_in) {
  const std::int64_t n = y_in.size(0), classes = layout.classes;
  const torch::Tensor logp = logp_in.detach(), loss = loss_in.detach();
  if (sums.device().is_cpu()) {
    const torch::Tensor lp = logp.to(torch::kFloat).contiguous(), l = loss.to(torch::kFloat).contiguous();
    const torch::Tensor y = y_in.contiguous(), track = track_in.contiguous();
    const float* p = lp.data_ptr<float>();
    const float* lv = l.data_ptr<float>();
    const std::int64_t* yv = y.data_ptr<std::int64_t>();
    const std::int64_t* tv = track.data_ptr<std::int64_t>();
    double* s = sums.data_ptr<double>();
    double* confusion = s + layout.confusion_offset();
    double* probs = s + layout.track_offset();
    for (std::int64_t i = 0; i < n; ++i) {
      const float* row = p + i * classes;
      std::int64_t best = 0;
      for (std::int64_t k = 1; k < classes; ++k)
        if (row[k] > row[best]) best = k;
      s[0] += lv[i];
      confusion[yv[i] * classes + best] += 1;
      double* track_row = probs + tv[i] * classes;
      for (std::int64_t k = 0; k < classes; ++k) track_row[k] += std::exp(static_cast<double>(row[k]));
    }
    s[1] += static_cast<double>(n);
    return;
  }
  const auto options = sums.options();
  sums.narrow(0, 0, 1).add_(loss.sum().to(torch::kDouble));
  sums.narrow(0, 1, 1).add_(static_cast<double>(n));
  sums.narrow(0, layout.confusion_offset(), classes * classes)
      .index_add_(0, y_in * classes + logp.argmax(1), torch::ones({n}, options));
  sums.narrow(0, layout.track_offset(), std::int64_t{layout.tracks} * classes)
      .view({layout.tracks, classes})
      .index_add_(0, track_in, logp.exp().to(torch::kDouble));
}

torch::Tensor bytes_tensor(const std::string& s) {
  torch::Tensor t = torch::empty({static_cast<std::int64_t>(s.size())}, torch::kUInt8);
  if (!s.empty()) std::memcpy(t.data_ptr<std::uint8_t>(), s.data(), s.size());
  return t;
}

std::string tensor_bytes(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU).contiguous();
  return std::string(reinterpret_cast<const char*>(c.data_ptr<std::uint8_t>()), static_cast<std::size_t>(c.numel()));
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimConfig& o, const torch::Tensor& flat) {
  const std::vector<torch::Tensor> params{flat};
  if (o.name == "sgd")
    return std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(o.lr).momentum(o.momentum).nesterov(o.nesterov).weight_decay(o.weight_decay));
  if (o.name == "adamw")
    return std::make_unique<torch::optim::AdamW>(
        params, torch::optim::AdamWOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weight_decay));
  return std::make_unique<torch::optim::Adam>(
      params, torch::optim::AdamOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weight_decay));
}

// Keys a resumed run may change: how long and where it runs, not what it learns.
const char* const kResumableChanges[] = {"train.epochs", "train.patience", "train.min_delta", "train.device",
                                         "train.threads", "data.eval_batch_size", "description"};

void check_resumable(const json& saved, const json& now) {
  for (const auto& [section, fields] : now.items()) {
    if (!fields.is_object()) continue;
    for (const auto& [name, value] : fields.items()) {
      const std::string key = section + "." + name;
      bool free = false;
      for (const char* k : kResumableChanges) free = free || key == k;
      if (free) continue;
      const json& before = saved.contains(section) ? saved[section].value(name, json()) : json();
      if (before != value)
        throw UsageError("--resume: " + key + " is " + value.dump() + ", the interrupted run used " + before.dump() +
                         " (start a new run folder to change it)");
    }
  }
}

}  // namespace

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

// Everything of one run that lives between steps.
struct Trainer::Run {
  model::NetPtr net;
  std::unique_ptr<FlatParameters> flat;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  Standardizer standardizer;
  torch::Tensor train_x, train_y, train_track, val_x, test_x;  // standardised, on the device
  SumsLayout train_layout;
  torch::Tensor sums;  // training sums of the current epoch, on the device
  std::vector<torch::Tensor> best;  // parameters then buffers of the best epoch
  int epoch = 0;                    // next epoch to run (0-based)
  std::int64_t step = 0;            // next step within it
  int best_epoch = 0;
  double best_value = 0;
  int bad_epochs = 0;
  bool finished = false;
  Outcome finished_as = Outcome::Completed;
  std::vector<json> history;
  double epoch_seconds = 0;  // of the current epoch so far (carried over an interruption)
};

Trainer::Trainer(TrainConfig config, const TrainingData& data, TrainerOptions options)
    : config_(std::move(config)), data_(data), options_(std::move(options)) {
  validate(config_);
  if (data_.train.size() == 0) throw UsageError("the training split is empty");
  if (config_.train.patience > 0 && data_.val.size() == 0)
    throw UsageError("train.patience: early stopping needs a validation split, the data has none");
}

Trainer::~Trainer() = default;

model::Net& Trainer::model() {
  if (!run_) throw Error("the trainer has not run yet");
  return *run_->net;
}

const Standardizer& Trainer::standardizer() const {
  if (!run_) throw Error("the trainer has not run yet");
  return run_->standardizer;
}

TrainResult Trainer::run() {
  const auto started = std::chrono::steady_clock::now();
  const TrainConfig& c = config_;
  const torch::Device device = options_.device;
  const bool writer = rank() == 0 && !options_.out.empty();
  const int classes = static_cast<int>(data_.classes.size());
  const std::int64_t batch = c.data.batch_size;
  const int ranks = world_size();
  const int me = rank();
  const bool has_val = data_.val.size() > 0;
  const std::string metric = c.train.metric.substr(4);  // "val_accuracy" -> "accuracy"
  const bool maximize = metric_maximized(c.train.metric);

  if (c.train.threads > 0) set_compute_threads(c.train.threads);
  run_ = std::make_unique<Run>();
  Run& r = *run_;

  // This rank's own work runs in the latch; `settle` is an agreement point
  // (train/failure.h): it returns whether `flag` is true on any rank, and
  // throws on every rank when any rank's work failed.
  FailureLatch latch;
  auto settle = [&](bool flag = false) {
    const Agreed a = agree(flag, latch.failed());
    if (a.failed) fail_together(latch);
    return a.flag;
  };

  // Same initial weights on every rank (the broadcast below makes sure).
  latch.run([&] {
    torch::manual_seed(c.train.seed);
    r.net = model::build_model(c.model, data_.sample_shape, classes);
    r.net->to(device);
  });
  settle();
  broadcast_parameters(*r.net);

  const auto sums_options = torch::TensorOptions().dtype(torch::kDouble).device(device);
  latch.run([&] {
    r.standardizer = c.data.standardize ? Standardizer::fit(data_.train.x) : Standardizer{};
    auto prepare = [&](const torch::Tensor& x) {
      return x.defined() && x.numel() ? r.standardizer.apply(x).to(device).contiguous() : x;
    };
    r.train_x = prepare(data_.train.x);
    r.train_y = data_.train.y.to(device);
    r.train_track = data_.train.track.to(device);
    r.val_x = prepare(data_.val.x);
    r.test_x = prepare(data_.test.x);
    r.train_layout = {classes, data_.train.tracks()};
    r.sums = torch::zeros({r.train_layout.size()}, sums_options);
  });

  const fs::path out = options_.out;
  const fs::path state_file = out / "state.pt", best_file = out / "checkpoint.pt";
  ModelCard card{c, data_.input, data_.sample_shape, data_.classes, data_.params, r.standardizer, json::object()};
  card.features.classes = data_.classes;

  auto snapshot = [&] {
    std::vector<torch::Tensor> s;
    for (const auto& p : r.net->parameters()) s.push_back(p.detach().clone());
    for (const auto& b : r.net->buffers()) s.push_back(b.detach().clone());
    return s;
  };
  auto restore = [&](const std::vector<torch::Tensor>& s) {
    torch::NoGradGuard no_grad;
    std::size_t i = 0;
    for (auto& p : r.net->parameters()) p.copy_(s.at(i++));
    for (auto& b : r.net->buffers()) b.copy_(s.at(i++));
  };

  auto save_state = [&] {
    torch::serialize::OutputArchive archive, model_archive, optim_archive;
    r.net->save(model_archive);
    r.optimizer->save(optim_archive);
    archive.write("model", model_archive);
    archive.write("optimizer", optim_archive);
    archive.write("sums", r.sums.to(torch::kCPU));
    const json meta = {{"epoch", r.epoch},          {"step", r.step},
                       {"best_epoch", r.best_epoch}, {"best_value", r.best_value},
                       {"bad_epochs", r.bad_epochs},
                       {"finished", r.finished},     {"finished_as", to_string(r.finished_as)},
                       {"epoch_seconds", r.epoch_seconds},
                       {"history", r.history},       {"config", to_json(c)}};
    archive.write("meta", bytes_tensor(meta.dump()));
    std::ostringstream bytes;
    archive.save_to(bytes);
    write_durably(state_file, bytes.str());
  };

  // Decided together: every rank reads state.pt (the run folder must be on a
  // filesystem all ranks share), rank 0 alone writes it.
  const bool resumed = settle(options_.resume && !out.empty() && fs::exists(state_file));
  latch.run([&] {
    torch::serialize::InputArchive archive, model_archive, optim_archive;
    json meta;
    torch::Tensor saved_sums;
    if (resumed) {
      try {
        torch::Tensor meta_bytes;
        archive.load_from(state_file.string(), device);
        archive.read("model", model_archive);
        archive.read("optimizer", optim_archive);
        archive.read("sums", saved_sums);
        archive.read("meta", meta_bytes);
        meta = json::parse(tensor_bytes(meta_bytes));
      } catch (const std::exception& e) {
        throw Error("cannot resume from " + state_file.string() + " on rank " + std::to_string(me) + ": " + e.what() +
                    (ranks > 1 ? " (is the run folder on a filesystem every rank sees?)" : ""));
      }
      check_resumable(meta.at("config"), to_json(c));
      // Loading replaces the parameters' storage, so it comes before flattening.
      r.net->load(model_archive);
    }
    r.flat = std::make_unique<FlatParameters>(*r.net);
    r.optimizer = make_optimizer(c.optim, r.flat->values());
    if (resumed) {
      r.optimizer->load(optim_archive);
      // Rank 0 saved the sums over all ranks; the others add nothing more.
      if (me == 0) r.sums.copy_(saved_sums.to(device));
      r.epoch = meta.at("epoch").get<int>();
      r.step = meta.at("step").get<std::int64_t>();
      r.best_epoch = meta.at("best_epoch").get<int>();
      r.best_value = meta.at("best_value").get<double>();
      r.bad_epochs = meta.at("bad_epochs").get<int>();
      r.finished = meta.at("finished").get<bool>();
      const std::string as = meta.at("finished_as").get<std::string>();
      r.finished_as = as == "early_stopped" ? Outcome::EarlyStopped : as == "stopped" ? Outcome::Stopped : Outcome::Completed;
      r.epoch_seconds = meta.value("epoch_seconds", 0.0);
      for (const auto& line : meta.at("history")) r.history.push_back(line);
      if (r.best_epoch > 0) {
        // The best epoch's weights, to restore at the end.
        model::NetPtr best = model::build_model(c.model, data_.sample_shape, classes);
        load_weights(*best, best_file);
        best->to(device);
        r.best.clear();
        for (const auto& p : best->parameters()) r.best.push_back(p.detach().clone());
        for (const auto& b : best->buffers()) r.best.push_back(b.detach().clone());
      }
      if (writer) {
        // Lines written after the state was saved are dropped: they will be redone.
        std::string lines;
        for (const auto& line : r.history) lines += line.dump() + "\n";
        write_durably(out / "metrics.jsonl", lines);
      }
      if (options_.log_epochs && me == 0)
        spdlog::info("resuming {} at epoch {} step {}", out.string(), r.epoch + 1, r.step);
    }
    if (writer && !resumed) {
      fs::create_directories(out);
      write_durably(out / "config.yaml", to_yaml(c));
      write_model_card(out / "model.json", card);
      write_durably(out / "metrics.jsonl", "");
    }
  });
  settle();

  // Evaluation: each rank takes a contiguous share of the part, the sums meet
  // in one reduction.
  auto evaluate = [&](const PartData& part, const torch::Tensor& x) {
    const SumsLayout layout{classes, part.tracks()};
    torch::Tensor sums = torch::zeros({layout.size()}, sums_options);
    const std::int64_t n = part.size(), from = n * me / ranks, to = n * (me + 1) / ranks;
    r.net->eval();
    latch.run([&] {
      torch::NoGradGuard no_grad;
      const torch::Tensor y_all = part.y.to(device), track_all = part.track.to(device);
      for (std::int64_t b = from; b < to; b += c.data.eval_batch_size) {
        const std::int64_t e = std::min<std::int64_t>(to, b + c.data.eval_batch_size);
        const torch::Tensor logp = torch::log_softmax(r.net->forward(x.slice(0, b, e)), 1);
        const torch::Tensor y = y_all.slice(0, b, e), track = track_all.slice(0, b, e);
        const torch::Tensor nll = -logp.gather(1, y.unsqueeze(1)).squeeze(1);
        const torch::Tensor loss = c.train.label_smoothing > 0
                                       ? (1 - c.train.label_smoothing) * nll - c.train.label_smoothing * logp.mean(1)
                                       : nll;
        add_to_sums(sums, layout, logp, y, track, loss);
      }
    });
    r.net->train();
    settle();
    sum_across_ranks(sums);
    const torch::Tensor cpu = sums.to(torch::kCPU).contiguous();
    return metrics_from_sums(std::vector<double>(cpu.data_ptr<double>(), cpu.data_ptr<double>() + cpu.numel()), layout,
                             part.track_label);
  };

  const std::int64_t n = data_.train.size();
  const std::int64_t steps = (n + batch - 1) / batch;
  const double ls = c.train.label_smoothing;
  TrainResult result;
  r.net->train();

  while (!r.finished && r.epoch < c.train.epochs) {
    const auto epoch_start = std::chrono::steady_clock::now();
    const double lr = learning_rate(c.schedule, c.optim.lr, r.epoch, c.train.epochs);
    for (auto& group : r.optimizer->param_groups()) group.options().set_lr(lr);
    const std::vector<std::int64_t> order = epoch_order(n, c.train.seed, r.epoch, c.data.shuffle);
    const std::int64_t start_step = r.step;

    for (; r.step < steps; ++r.step) {
      // This rank's share of the global batch; the loss is scaled so that the
      // mean over ranks of the gradients is the gradient of the global batch.
      const std::int64_t b0 = r.step * batch, b1 = std::min(n, b0 + batch), global_n = b1 - b0;
      const std::int64_t l0 = b0 + global_n * me / ranks, l1 = b0 + global_n * (me + 1) / ranks, local_n = l1 - l0;
      // Dropout masks depend on (seed, rank, step) only, so a resumed run draws the same ones.
      torch::manual_seed(mix(c.train.seed ^ mix((static_cast<std::uint64_t>(r.epoch) * steps + r.step) * 65536 + me)));
      r.flat->zero_grad();
      if (local_n > 0) latch.run([&] {
        // Every op here costs microseconds of dispatch, which for the MLP is a
        // good part of the step: ops that change nothing are left out.
        const torch::Tensor idx =
            torch::from_blob(const_cast<std::int64_t*>(order.data() + l0), {local_n}, torch::kLong).to(device);
        const torch::Tensor x = r.train_x.index_select(0, idx), y = r.train_y.index_select(0, idx);
        const torch::Tensor logp = torch::log_softmax(r.net->forward(x), 1);
        const torch::Tensor nll = torch::nll_loss(logp, y, {}, at::Reduction::None);
        const torch::Tensor loss = ls > 0 ? (1 - ls) * nll - ls * logp.mean(1) : nll;
        torch::Tensor objective = loss.mean();
        if (local_n * ranks != global_n) objective = objective * (static_cast<double>(local_n * ranks) / static_cast<double>(global_n));
        if (const torch::Tensor penalty = r.net->penalty(); penalty.defined()) objective = objective + penalty;
        objective.backward();
        torch::NoGradGuard no_grad;
        add_to_sums(r.sums, r.train_layout, logp, y, r.train_track.index_select(0, idx), loss);
      });
      // A failed rank still joins the allreduce, with zero gradients; the
      // agreement below ends the step on every rank.
      if (latch.failed()) r.flat->zero_grad();
      average_gradients(r.flat->grads());
      bool interrupt = false;
      latch.run([&] {
        r.optimizer->step();
        interrupt = options_.hooks.interrupt_requested && options_.hooks.interrupt_requested();
      });
      if (settle(interrupt)) {
        ++r.step;
        sum_across_ranks(r.sums);  // rank 0 saves the total of every rank's partial sums
        r.epoch_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
        if (writer) save_state();
        result.outcome = Outcome::Interrupted;
        result.epochs_run = r.epoch;
        result.best_epoch = r.best_epoch;
        result.best_value = r.best_value;
        result.history = r.history;
        result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (options_.log_epochs && me == 0)
          spdlog::warn("interrupted in epoch {} after step {}; state saved for --resume", r.epoch + 1, r.step);
        return result;
      }
    }

    // End of the epoch: metrics, best checkpoint, early stopping, callbacks.
    sum_across_ranks(r.sums);
    average_buffers(*r.net);
    EpochRecord record;
    record.epoch = r.epoch + 1;
    record.lr = lr;
    {
      const torch::Tensor cpu = r.sums.to(torch::kCPU).contiguous();
      record.train = metrics_from_sums(std::vector<double>(cpu.data_ptr<double>(), cpu.data_ptr<double>() + cpu.numel()),
                                       r.train_layout, data_.train.track_label);
    }
    // Every rank sees the same reduced loss, so all of them stop here alike.
    if (!std::isfinite(record.train.loss))
      throw Error("training diverged: the training loss is " + std::to_string(record.train.loss) + " in epoch " +
                  std::to_string(record.epoch) + " (try a lower optim.lr)");
    record.has_val = has_val;
    if (has_val) record.val = evaluate(data_.val, r.val_x);
    r.epoch_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    record.seconds = r.epoch_seconds;
    record.samples_per_s = static_cast<double>(n) * static_cast<double>(steps - start_step) / static_cast<double>(steps) /
                           std::max(1e-9, r.epoch_seconds);

    // Without a validation split the last epoch is the best.
    const double value = has_val ? metric_value(record.val, metric) : 0.0;
    const bool improved = !has_val || r.best_epoch == 0 ||
                          (maximize ? value > r.best_value + c.train.min_delta : value < r.best_value - c.train.min_delta);
    if (improved) {
      r.best_epoch = record.epoch;
      r.best_value = value;
      r.bad_epochs = 0;
      latch.run([&] {
        r.best = snapshot();
        if (writer) save_weights(*r.net, best_file);
      });
    } else {
      ++r.bad_epochs;
    }
    record.improved = improved;
    const json line = record.to_json(data_.classes);
    r.history.push_back(line);
    if (writer) latch.run([&] {
      std::ofstream metrics(out / "metrics.jsonl", std::ios::app);
      metrics << line.dump() << "\n";
      if (!metrics.flush()) throw Error("cannot append to " + (out / "metrics.jsonl").string());
    });
    // Rank 0's writes settled before the callback, which may itself talk
    // across ranks (the sweep's verdict).
    settle();
    if (options_.log_epochs && me == 0) {
      std::string text = fmt::format("epoch {}/{} lr {:.3g} | train loss {:.4f} acc {:.4f}", record.epoch,
                                     c.train.epochs, lr, record.train.loss, record.train.accuracy);
      if (has_val)
        text += fmt::format(" | val loss {:.4f} acc {:.4f} track {:.4f} f1 {:.4f}", record.val.loss, record.val.accuracy,
                            record.val.track_accuracy, record.val.macro_f1);
      spdlog::info("{} | {:.1f} s, {:.0f} samples/s{}", text, record.seconds, record.samples_per_s, improved ? " *" : "");
    }

    bool keep_going = true;
    latch.run([&] { keep_going = !options_.hooks.on_epoch || options_.hooks.on_epoch(record); });
    const bool stop = settle(!keep_going);
    const bool early = has_val && c.train.patience > 0 && r.bad_epochs >= c.train.patience;
    ++r.epoch;
    r.step = 0;
    r.epoch_seconds = 0;
    r.sums.zero_();
    if (stop || early) {
      r.finished = true;
      r.finished_as = stop ? Outcome::Stopped : Outcome::EarlyStopped;
      if (options_.log_epochs && me == 0 && stop) spdlog::info("stopped after epoch {} at the caller's request", r.epoch);
      if (options_.log_epochs && me == 0 && !stop)
        spdlog::info("early stop after epoch {}: no better {} for {} epochs", r.epoch, c.train.metric, c.train.patience);
    }
    if (writer) latch.run(save_state);  // settled at the next agreement point
  }
  settle();

  // The best epoch's weights decide the final metrics and stay in the trainer.
  if (!r.best.empty()) restore(r.best);
  result.outcome = r.finished ? r.finished_as : Outcome::Completed;
  result.epochs_run = r.epoch;
  result.best_epoch = r.best_epoch;
  result.best_value = r.best_value;
  result.history = r.history;
  if (has_val && !r.history.empty() && r.best_epoch > 0) result.best_val = evaluate(data_.val, r.val_x);
  result.has_test = data_.test.size() > 0;
  if (result.has_test) result.test = evaluate(data_.test, r.test_x);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (writer) {
    card.training = {{"outcome", to_string(result.outcome)}, {"epochs_run", result.epochs_run},
                     {"best_epoch", result.best_epoch},      {"metric", has_val ? c.train.metric : "last_epoch"},
                     {"best_value", has_val ? json(result.best_value) : json()}};
    write_model_card(out / "model.json", card);
    json final_json = {{"outcome", to_string(result.outcome)},
                       {"epochs_run", result.epochs_run},
                       {"best_epoch", result.best_epoch},
                       {"metric", c.train.metric},
                       {"best_value", has_val ? json(result.best_value) : json()},
                       {"classes", data_.classes},
                       {"split_leaks", data_.split_leaks},
                       {"seconds", result.seconds},
                       {"ranks", ranks}};
    if (has_val) final_json["val"] = to_json(result.best_val, data_.classes);
    if (result.has_test) final_json["test"] = to_json(result.test, data_.classes);
    write_durably(out / "final.json", final_json.dump(2) + "\n");
    const Metrics& shown = result.has_test ? result.test : result.best_val;
    if (result.has_test || has_val) write_durably(out / "confusion.csv", confusion_csv(shown.confusion, data_.classes));
  }
  if (options_.log_epochs && me == 0 && result.has_test)
    spdlog::info("test (best epoch {}): acc {:.4f} track {:.4f} macro F1 {:.4f}{}", result.best_epoch, result.test.accuracy,
                 result.test.track_accuracy, result.test.macro_f1,
                 data_.split_leaks ? " (segment-level split: test tracks were also seen in training)" : "");
  return result;
}

}  // namespace genre::train
