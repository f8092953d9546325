#include "train/run_folder.h"

#include <cstring>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"

namespace genre::train {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

torch::Tensor bytes_tensor(const std::string& s) {
  torch::Tensor t = torch::empty({static_cast<std::int64_t>(s.size())}, torch::kUInt8);
  if (!s.empty()) std::memcpy(t.data_ptr<std::uint8_t>(), s.data(), s.size());
  return t;
}

std::string tensor_bytes(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU).contiguous();
  return std::string(reinterpret_cast<const char*>(c.data_ptr<std::uint8_t>()), static_cast<std::size_t>(c.numel()));
}

// Keys a resumed run may change: how long and where it runs, not what it learns.
const char* const kResumableChanges[] = {"train.epochs", "train.patience", "train.min_delta", "train.device",
                                         "train.threads", "train.peer_timeout_s", "data.eval_batch_size",
                                         "description"};

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

// state.pt's "meta": the progress and the config it was made with.
json meta_json(const TrainState& s, const TrainConfig& config) {
  return {{"epoch", s.epoch},
          {"step", s.step},
          {"best_epoch", s.best.epoch},
          {"best_value", s.best.value},
          {"bad_epochs", s.best.bad_epochs},
          {"finished", s.finished},
          {"finished_as", to_string(s.finished_as)},
          {"epoch_seconds", s.epoch_seconds},
          {"history", s.history},
          {"config", to_json(config)}};
}

TrainState state_from(const json& meta) {
  TrainState s;
  s.epoch = meta.at("epoch").get<int>();
  s.step = meta.at("step").get<std::int64_t>();
  s.best.epoch = meta.at("best_epoch").get<int>();
  s.best.value = meta.at("best_value").get<double>();
  s.best.bad_epochs = meta.at("bad_epochs").get<int>();
  s.finished = meta.at("finished").get<bool>();
  s.finished_as = parse_outcome(meta.at("finished_as").get<std::string>());
  s.epoch_seconds = meta.value("epoch_seconds", 0.0);
  for (const auto& line : meta.at("history")) s.history.push_back(line);
  return s;
}

}  // namespace

RunFolder::RunFolder(fs::path dir, bool writer) : dir_(std::move(dir)), writer_(writer) {}

bool RunFolder::has_state() const { return !dir_.empty() && fs::exists(state_file()); }

void RunFolder::start(const TrainConfig& config, const ModelCard& card) const {
  if (!writes()) return;
  fs::create_directories(dir_);
  write_durably(dir_ / "config.yaml", to_yaml(config));
  write_model_card(dir_ / "model.json", card);
  write_durably(dir_ / "metrics.jsonl", "");
}

void RunFolder::save_state(const TrainState& state, model::Net& net, torch::optim::Optimizer& optimizer,
                           const torch::Tensor& sums, const TrainConfig& config) const {
  if (!writes()) return;
  torch::serialize::OutputArchive archive, model_archive, optim_archive;
  net.save(model_archive);
  optimizer.save(optim_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optim_archive);
  archive.write("sums", sums.to(torch::kCPU));
  archive.write("meta", bytes_tensor(meta_json(state, config).dump()));
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_durably(state_file(), bytes.str());
}

Resumed RunFolder::read_state(const TrainConfig& now, torch::Device device, int rank, int ranks) const {
  Resumed r;
  json saved_config;
  try {
    torch::serialize::InputArchive archive;
    torch::Tensor meta_bytes;
    archive.load_from(state_file().string(), device);
    archive.read("model", r.model);
    archive.read("optimizer", r.optimizer);
    archive.read("sums", r.sums);
    archive.read("meta", meta_bytes);
    const json meta = json::parse(tensor_bytes(meta_bytes));
    r.state = state_from(meta);
    saved_config = meta.at("config");
  } catch (const std::exception& e) {
    throw Error("cannot resume from " + state_file().string() + " on rank " + std::to_string(rank) + ": " + e.what() +
                (ranks > 1 ? " (is the run folder on a filesystem every rank sees?)" : ""));
  }
  check_resumable(saved_config, to_json(now));
  return r;
}

void RunFolder::save_best(model::Net& net) const {
  if (writes()) save_weights(net, dir_ / "checkpoint.pt");
}

void RunFolder::load_best(model::Net& net) const { load_weights(net, dir_ / "checkpoint.pt"); }

void RunFolder::rewrite_metrics(const std::vector<json>& history) const {
  if (!writes()) return;
  std::string lines;
  for (const auto& line : history) lines += line.dump() + "\n";
  write_durably(dir_ / "metrics.jsonl", lines);
}

void RunFolder::append_metrics(const json& line) const {
  if (!writes()) return;
  append_to_file(dir_ / "metrics.jsonl", line.dump() + "\n");
}

void RunFolder::finish(ModelCard card, const TrainResult& r, const TrainConfig& c, const DataInfo& data,
                       int ranks) const {
  if (!writes()) return;
  const bool has_val = data.val.samples > 0;
  card.training = {{"outcome", to_string(r.outcome)}, {"epochs_run", r.epochs_run},
                   {"best_epoch", r.best_epoch},      {"metric", has_val ? c.train.metric : "last_epoch"},
                   {"best_value", has_val ? json(r.best_value) : json()}};
  write_model_card(dir_ / "model.json", card);
  json final_json = {{"outcome", to_string(r.outcome)},
                     {"epochs_run", r.epochs_run},
                     {"best_epoch", r.best_epoch},
                     {"metric", c.train.metric},
                     {"best_value", has_val ? json(r.best_value) : json()},
                     {"classes", data.classes},
                     {"split_leaks", data.split_leaks},
                     {"seconds", r.seconds},
                     {"ranks", ranks}};
  if (has_val) final_json["val"] = to_json(r.best_val, data.classes);
  if (r.has_test) final_json["test"] = to_json(r.test, data.classes);
  write_durably(dir_ / "final.json", final_json.dump(2) + "\n");
  const Metrics& shown = r.has_test ? r.test : r.best_val;
  if (r.has_test || has_val) write_durably(dir_ / "confusion.csv", confusion_csv(shown.confusion, data.classes));
}

}  // namespace genre::train
