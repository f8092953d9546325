#pragma once
// Classification metrics from summed counts. What ranks exchange is one flat
// double vector of sums (loss, count, segment confusion, per-track summed
// probabilities), so a data-parallel evaluation needs a single allreduce and
// every rank derives identical metrics.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace genre::train {

struct Metrics {
  double loss = 0;            // mean training objective (cross-entropy with label smoothing, without L2)
  double accuracy = 0;        // per segment
  double track_accuracy = 0;  // argmax of a track's mean segment probabilities
  double macro_f1 = 0;        // per segment, unweighted mean over classes
  std::vector<double> precision, recall, f1;   // per class
  std::vector<std::int64_t> confusion;         // classes x classes, row = true, column = predicted
  std::vector<std::int64_t> track_confusion;   // the same per track
  std::int64_t samples = 0, tracks = 0;
};

// Layout of the sums vector for `classes` classes and `tracks` tracks:
// [loss_sum, samples, confusion (C*C), track probability sums (T*C)].
struct SumsLayout {
  int classes = 0;
  int tracks = 0;
  std::int64_t size() const { return 2 + std::int64_t{classes} * classes + std::int64_t{tracks} * classes; }
  std::int64_t confusion_offset() const { return 2; }
  std::int64_t track_offset() const { return 2 + std::int64_t{classes} * classes; }
};

// track_label[t]: the label of track t (tracks with no segment are skipped).
Metrics metrics_from_sums(const std::vector<double>& sums, const SumsLayout& layout, const std::vector<int>& track_label);

// {"loss", "accuracy", "track_accuracy", "macro_f1", "samples", "tracks",
//  "precision": {class: p}, "recall": {...}, "confusion": [[...]], "track_confusion": [[...]]}
nlohmann::json to_json(const Metrics& m, const std::vector<std::string>& classes);

// The scalar a metric name refers to ("accuracy", "track_accuracy", "macro_f1", "loss").
double metric_value(const Metrics& m, const std::string& name);

// confusion.csv: header "true\predicted,<classes>", one row per true class.
std::string confusion_csv(const std::vector<std::int64_t>& confusion, const std::vector<std::string>& classes);

}  // namespace genre::train
