#include "train/source_factory.h"

#include <unordered_map>

#include "train/in_memory_source.h"
#include "train/stream_source.h"

namespace genre::train {

namespace {

// The in-memory backend with the data it reads, as one object.
class OwnedInMemory : public DataSource {
 public:
  explicit OwnedInMemory(TrainingData data) : data_(std::move(data)), source_(data_) {}
  const DataInfo& info() const override { return source_.info(); }
  Standardizer fit_standardizer() const override { return source_.fit_standardizer(); }
  std::unique_ptr<TrainBatches> training(const BatchPlan& plan) const override { return source_.training(plan); }
  std::unique_ptr<EvalBatches> evaluation(data::Part part, const BatchPlan& plan) const override {
    return source_.evaluation(part, plan);
  }

 private:
  TrainingData data_;
  InMemorySource source_;
};

// Segments (or, for whole-track rows, tracks) the split's three parts hold.
std::int64_t split_samples(const data::Dataset& dataset, InputKind input) {
  const data::Split& split = dataset.manifest().split;
  const std::size_t listed = split.train.size() + split.val.size() + split.test.size();
  if (split.mode == "segment" || input == InputKind::TrackTable) return static_cast<std::int64_t>(listed);
  std::unordered_map<std::string, int> segments;
  for (const auto& t : dataset.tracks()) segments.emplace(t.id, t.n_segments);
  std::int64_t n = 0;
  for (const auto* list : {&split.train, &split.val, &split.test})
    for (const auto& id : *list) n += segments.at(id);
  return n;
}

}  // namespace

std::int64_t in_memory_bytes(const data::Dataset& dataset, InputKind input) {
  const data::DatasetParams& p = dataset.manifest().params;
  const std::int64_t width = input == InputKind::Features ? std::int64_t{p.frames} * p.dims
                                                          : static_cast<std::int64_t>(p.table_columns.size());
  // float32 values, an int64 label and an int64 track per sample.
  return split_samples(dataset, input) * (width * 4 + 16);
}

OpenedData open_data(const data::Dataset& dataset, InputKind input, const DataConfig& config) {
  OpenedData d;
  d.bytes = in_memory_bytes(dataset, input);
  const std::int64_t budget = std::int64_t{config.memory_budget_mb} << 20;
  d.streamed = input == InputKind::Features && d.bytes > budget;
  if (d.streamed) {
    auto stream = std::make_unique<StreamSource>(dataset, StreamOptions{budget, StreamOptions{}.queue_depth});
    d.held = &stream->held();
    d.source = std::move(stream);
  } else {
    d.source = std::make_unique<OwnedInMemory>(load_training_data(dataset, input));
  }
  return d;
}

}  // namespace genre::train
