#include "train/in_memory_source.h"

#include "common/error.h"
#include "train/batch_standardizer.h"
#include "train/sampler.h"

namespace genre::train {

namespace {

// A part as the trial reads it: on the device, raw. On the CPU that is the
// TrainingData's own tensors (no copy), so the data is held once however many
// trials read it; each batch is standardised as it is taken.
struct DeviceTensors {
  torch::Tensor x, y, track;
  BatchStandardizer standardised;
  DeviceTensors(const PartData& part, const BatchPlan& plan) {
    if (part.size() == 0) return;
    standardised = BatchStandardizer(plan.standardizer, part.x.size(-1), plan.device);
    x = part.x.to(plan.device);
    y = part.y.to(plan.device);
    track = part.track.to(plan.device);
  }
  std::int64_t size() const { return y.defined() ? y.size(0) : 0; }
};

class InMemoryTraining : public TrainBatches {
 public:
  InMemoryTraining(const PartData& part, const BatchPlan& plan) : plan_(plan), data_(part, plan) {}

  std::int64_t steps() const override { return steps_per_epoch(data_.size(), plan_.batch_size); }

  Batch batch(int epoch, std::int64_t step) override {
    if (epoch != epoch_) {
      order_ = epoch_order(data_.size(), plan_.seed, epoch, plan_.shuffle);
      epoch_ = epoch;
    }
    const Span global = global_batch(data_.size(), plan_.batch_size, step);
    const Span mine = share_of(global, plan_.rank, plan_.ranks);
    Batch b;
    b.global = global.size();
    if (mine.size() == 0) return b;
    // Every op here costs microseconds of dispatch, which for the MLP is a good
    // part of the step: one index tensor, three gathers, the standardisation.
    const torch::Tensor idx =
        torch::from_blob(order_.data() + mine.begin, {mine.size()}, torch::kLong).to(plan_.device);
    b.x = data_.standardised.in_place(data_.x.index_select(0, idx));
    b.y = data_.y.index_select(0, idx);
    b.track = data_.track.index_select(0, idx);
    return b;
  }

 private:
  BatchPlan plan_;
  DeviceTensors data_;
  int epoch_ = -1;
  std::vector<std::int64_t> order_;
};

class InMemoryEvaluation : public EvalBatches {
 public:
  InMemoryEvaluation(const PartData& part, const BatchPlan& plan) : plan_(plan), data_(part, plan) {}

  void for_each(const std::function<void(const Batch&)>& visit) override {
    const Span mine = share_of({0, data_.size()}, plan_.rank, plan_.ranks);
    for (std::int64_t b = mine.begin; b < mine.end; b += plan_.eval_batch_size) {
      const std::int64_t e = std::min(mine.end, b + plan_.eval_batch_size);
      visit(Batch{data_.standardised(data_.x.slice(0, b, e)), data_.y.slice(0, b, e), data_.track.slice(0, b, e)});
    }
  }

 private:
  BatchPlan plan_;
  DeviceTensors data_;
};

PartInfo info_of(const PartData& part) { return {part.size(), part.track_label}; }

}  // namespace

const PartInfo& DataInfo::part(data::Part p) const {
  switch (p) {
    case data::Part::Train: return train;
    case data::Part::Val: return val;
    case data::Part::Test: return test;
    case data::Part::All: break;
  }
  throw Error("training data: no single part 'all'");
}

InMemorySource::InMemorySource(const TrainingData& data) : data_(data) {
  info_.input = data.input;
  info_.sample_shape = data.sample_shape;
  info_.classes = data.classes;
  info_.params = data.params;
  info_.split_leaks = data.split_leaks;
  info_.train = info_of(data.train);
  info_.val = info_of(data.val);
  info_.test = info_of(data.test);
}

Standardizer InMemorySource::fit_standardizer() const { return Standardizer::fit(data_.train.x); }

std::unique_ptr<TrainBatches> InMemorySource::training(const BatchPlan& plan) const {
  return std::make_unique<InMemoryTraining>(data_.train, plan);
}

std::unique_ptr<EvalBatches> InMemorySource::evaluation(data::Part part, const BatchPlan& plan) const {
  if (part == data::Part::Val) return std::make_unique<InMemoryEvaluation>(data_.val, plan);
  if (part == data::Part::Test) return std::make_unique<InMemoryEvaluation>(data_.test, plan);
  throw Error("training data: evaluation reads the val or test part");
}

}  // namespace genre::train
