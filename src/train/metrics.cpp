#include "train/metrics.h"

#include <cmath>

#include "common/error.h"

namespace genre::train {

namespace {

std::vector<std::int64_t> rounded(const double* p, std::size_t n) {
  std::vector<std::int64_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::llround(p[i]);
  return out;
}

double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

}  // namespace

Metrics metrics_from_sums(const std::vector<double>& sums, const SumsLayout& layout, const std::vector<int>& track_label) {
  if (static_cast<std::int64_t>(sums.size()) != layout.size())
    throw Error("metrics: " + std::to_string(sums.size()) + " sums, expected " + std::to_string(layout.size()));
  const int C = layout.classes;
  Metrics m;
  m.samples = std::llround(sums[1]);
  m.loss = ratio(sums[0], sums[1]);
  m.confusion = rounded(sums.data() + layout.confusion_offset(), static_cast<std::size_t>(C) * C);

  std::int64_t correct = 0;
  for (int c = 0; c < C; ++c) correct += m.confusion[c * C + c];
  m.accuracy = ratio(static_cast<double>(correct), static_cast<double>(m.samples));

  m.precision.assign(C, 0);
  m.recall.assign(C, 0);
  m.f1.assign(C, 0);
  double f1_sum = 0;
  for (int c = 0; c < C; ++c) {
    std::int64_t predicted = 0, actual = 0;
    for (int k = 0; k < C; ++k) {
      predicted += m.confusion[k * C + c];
      actual += m.confusion[c * C + k];
    }
    const double tp = static_cast<double>(m.confusion[c * C + c]);
    m.precision[c] = ratio(tp, static_cast<double>(predicted));
    m.recall[c] = ratio(tp, static_cast<double>(actual));
    m.f1[c] = ratio(2 * m.precision[c] * m.recall[c], m.precision[c] + m.recall[c]);
    f1_sum += m.f1[c];
  }
  m.macro_f1 = C ? f1_sum / C : 0;

  m.track_confusion.assign(static_cast<std::size_t>(C) * C, 0);
  const double* probs = sums.data() + layout.track_offset();
  std::int64_t track_correct = 0;
  for (int t = 0; t < layout.tracks; ++t) {
    const double* row = probs + static_cast<std::ptrdiff_t>(t) * C;
    double total = 0;
    int best = 0;
    for (int c = 0; c < C; ++c) {
      total += row[c];
      if (row[c] > row[best]) best = c;
    }
    if (total <= 0) continue;  // no segment of this track was seen
    ++m.tracks;
    const int truth = track_label.at(static_cast<std::size_t>(t));
    ++m.track_confusion[static_cast<std::size_t>(truth) * C + best];
    if (best == truth) ++track_correct;
  }
  m.track_accuracy = ratio(static_cast<double>(track_correct), static_cast<double>(m.tracks));
  return m;
}

nlohmann::json to_json(const Metrics& m, const std::vector<std::string>& classes) {
  const std::size_t C = classes.size();
  auto matrix = [C](const std::vector<std::int64_t>& v) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t r = 0; r < C; ++r) rows.push_back(std::vector<std::int64_t>(v.begin() + r * C, v.begin() + (r + 1) * C));
    return rows;
  };
  nlohmann::json precision = nlohmann::json::object(), recall = nlohmann::json::object();
  for (std::size_t c = 0; c < C && c < m.precision.size(); ++c) {
    precision[classes[c]] = m.precision[c];
    recall[classes[c]] = m.recall[c];
  }
  return {{"loss", m.loss},         {"accuracy", m.accuracy}, {"track_accuracy", m.track_accuracy},
          {"macro_f1", m.macro_f1}, {"samples", m.samples},   {"tracks", m.tracks},
          {"precision", precision}, {"recall", recall},       {"confusion", matrix(m.confusion)},
          {"track_confusion", matrix(m.track_confusion)}};
}

double metric_value(const Metrics& m, const std::string& name) {
  if (name == "loss") return m.loss;
  if (name == "accuracy") return m.accuracy;
  if (name == "track_accuracy") return m.track_accuracy;
  if (name == "macro_f1") return m.macro_f1;
  throw Error("unknown metric '" + name + "'");
}

std::string confusion_csv(const std::vector<std::int64_t>& confusion, const std::vector<std::string>& classes) {
  const std::size_t C = classes.size();
  std::string out = "true\\predicted";
  for (const auto& c : classes) out += "," + c;
  out += "\n";
  for (std::size_t r = 0; r < C; ++r) {
    out += classes[r];
    for (std::size_t k = 0; k < C; ++k) out += "," + std::to_string(confusion.at(r * C + k));
    out += "\n";
  }
  return out;
}

}  // namespace genre::train
