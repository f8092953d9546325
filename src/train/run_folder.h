#pragma once
// Checkpoint and resume: the files of a run folder (trainer.h lists them) and
// state.pt, everything a run needs to continue after an interruption. Rank 0
// is the writer; every rank reads state.pt back on resume, so with several
// ranks the folder must be on a filesystem they all see. Every file is
// published durably (temp, fsync, rename), so a crash leaves the old one.
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/net.h"
#include "train/config.h"
#include "train/data_source.h"
#include "train/model_file.h"
#include "train/progress.h"

namespace genre::train {

// What state.pt gives back to a resumed run.
struct Resumed {
  TrainState state;
  torch::serialize::InputArchive model, optimizer;
  torch::Tensor sums;  // the interrupted epoch's training sums, over all ranks
};

class RunFolder {
 public:
  // dir empty: a run that writes and reads nothing. On ranks other than the
  // writer every write below does nothing.
  RunFolder(std::filesystem::path dir, bool writer);
  bool writes() const { return writer_ && !dir_.empty(); }
  // Whether there is a state.pt to resume from.
  bool has_state() const;

  // A fresh run: the folder, config.yaml, model.json and an empty metrics.jsonl.
  void start(const TrainConfig& config, const ModelCard& card) const;
  // state.pt. `sums`: the epoch's training sums over all ranks so far.
  void save_state(const TrainState& state, model::Net& net, torch::optim::Optimizer& optimizer,
                  const torch::Tensor& sums, const TrainConfig& config) const;
  // Reads state.pt (on every rank, tensors onto `device`). Throws Error naming
  // the file and the rank when it cannot be read, UsageError when `now`
  // changes a key that decides what is learnt (only train.epochs, patience,
  // min_delta, device, threads, data.eval_batch_size and description may change).
  Resumed read_state(const TrainConfig& now, torch::Device device, int rank, int ranks) const;
  // checkpoint.pt: the best epoch's weights.
  void save_best(model::Net& net) const;
  void load_best(model::Net& net) const;
  // metrics.jsonl: on resume, the lines of the saved history only (epochs
  // logged after the state was saved are redone); then one line per epoch.
  void rewrite_metrics(const std::vector<nlohmann::json>& history) const;
  void append_metrics(const nlohmann::json& line) const;
  // The end of a run: model.json with the training summary, final.json and
  // confusion.csv (of the test part, else the validation part).
  void finish(ModelCard card, const TrainResult& result, const TrainConfig& config, const DataInfo& data,
              int ranks) const;

  std::filesystem::path state_file() const { return dir_ / "state.pt"; }

 private:
  std::filesystem::path dir_;
  bool writer_;
};

}  // namespace genre::train
