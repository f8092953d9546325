#pragma once
// The in-memory backend of DataSource (data_source.h): every part of a
// TrainingData held as tensors, once (a trial on the CPU reads them in place;
// on a GPU it puts each part on its device whole). A batch is one
// index_select per tensor and the standardisation of that batch (the training
// step's data cost for the small MLP is a few microseconds).
#include "train/data_source.h"
#include "train/training_data.h"

namespace genre::train {

class InMemorySource : public DataSource {
 public:
  // `data` must outlive the source and every batch opened from it.
  explicit InMemorySource(const TrainingData& data);
  const DataInfo& info() const override { return info_; }
  Standardizer fit_standardizer() const override;
  std::unique_ptr<TrainBatches> training(const BatchPlan& plan) const override;
  std::unique_ptr<EvalBatches> evaluation(data::Part part, const BatchPlan& plan) const override;

 private:
  const TrainingData& data_;
  DataInfo info_;
};

}  // namespace genre::train
