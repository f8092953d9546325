#include "train/training_data.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "common/error.h"
#include "train/standardizer_fit.h"

namespace genre::train {

std::string to_string(InputKind k) {
  switch (k) {
    case InputKind::Features: return "features";
    case InputKind::Table: return "table";
    case InputKind::TrackTable: return "track_table";
  }
  return "?";
}

InputKind parse_input_kind(const std::string& s) {
  if (s == "features") return InputKind::Features;
  if (s == "table") return InputKind::Table;
  if (s == "track_table") return InputKind::TrackTable;
  throw UsageError("data.input: unknown input '" + s + "' (features, table, track_table)");
}

PartData make_part(torch::Tensor x, torch::Tensor y, const std::vector<std::string>& track_of_sample) {
  PartData p;
  const std::int64_t n = y.size(0);
  if (x.size(0) != n || static_cast<std::int64_t>(track_of_sample.size()) != n)
    throw Error("training data: " + std::to_string(x.size(0)) + " samples, " + std::to_string(n) + " labels and " +
                std::to_string(track_of_sample.size()) + " track ids");
  p.x = x.to(torch::kFloat).contiguous();
  p.y = y.to(torch::kLong).contiguous();
  p.track = torch::empty({n}, torch::kLong);
  auto* track = p.track.data_ptr<std::int64_t>();
  const auto* label = p.y.data_ptr<std::int64_t>();
  std::unordered_map<std::string, int> index;
  for (std::int64_t i = 0; i < n; ++i) {
    auto [it, fresh] = index.emplace(track_of_sample[i], static_cast<int>(p.track_ids.size()));
    if (fresh) {
      p.track_ids.push_back(track_of_sample[i]);
      p.track_label.push_back(static_cast<int>(label[i]));
    } else if (p.track_label[it->second] != label[i]) {
      throw Error("training data: track '" + track_of_sample[i] + "' has segments labelled " +
                  std::to_string(p.track_label[it->second]) + " and " + std::to_string(label[i]));
    }
    track[i] = it->second;
  }
  return p;
}

InputKind resolve_input(const std::string& configured, const std::string& model, bool has_table) {
  if (configured == "auto") return model == "mlp" && has_table ? InputKind::Table : InputKind::Features;
  const InputKind k = parse_input_kind(configured);
  if (k != InputKind::Features && !has_table)
    throw UsageError("data.input: " + configured +
                     " needs a dataset with the feature table (genre preprocess --table), this one has none");
  return k;
}

namespace {

// The loaded values become the tensor's storage: no copy, so a split is held
// once also while it is loaded (a copy into a fresh tensor doubled the peak).
torch::Tensor adopt(std::vector<float>&& values, const std::vector<std::int64_t>& shape) {
  auto owned = std::make_shared<std::vector<float>>(std::move(values));
  if (owned->empty()) return torch::empty(shape, torch::kFloat);
  float* data = owned->data();
  return torch::from_blob(data, shape, [owned](void*) mutable { owned.reset(); }, torch::kFloat);
}

PartData load_part(const data::Dataset& ds, data::Part part, InputKind input) {
  data::SegmentSet set = ds.load(part);
  const auto& tracks = ds.tracks();
  std::vector<std::string> ids;
  const auto n = static_cast<std::int64_t>(set.n);

  if (input == InputKind::TrackTable) {
    // One sample per track: the track's own row, in order of first appearance.
    std::vector<int> order;
    std::unordered_map<int, bool> seen;
    for (std::int64_t i = 0; i < n; ++i)
      if (seen.emplace(set.track[i], true).second) order.push_back(set.track[i]);
    const std::vector<float> all = ds.track_tables();
    const auto columns = static_cast<std::int64_t>(ds.manifest().params.table_columns.size());
    if (columns == 0 && !order.empty()) throw Error("the dataset has no feature table");
    std::vector<float> rows;
    std::vector<std::int64_t> labels;
    for (int t : order) {
      const auto first = all.begin() + static_cast<std::ptrdiff_t>(t) * columns;
      if (std::isnan(*first))
        throw UsageError("data.input track_table: track '" + tracks.at(t).id +
                         "' has no whole-track table row (a dataset imported from a 3-s CSV alone); "
                         "import the 30-s CSV with it (--from-csv features_3_sec.csv features_30_sec.csv) "
                         "or train on data.input table");
      rows.insert(rows.end(), first, first + columns);
      labels.push_back(tracks.at(t).label);
      ids.push_back(tracks.at(t).id);
    }
    const auto m = static_cast<std::int64_t>(order.size());
    torch::Tensor x = torch::empty({m, columns}, torch::kFloat);
    if (m) std::memcpy(x.data_ptr<float>(), rows.data(), rows.size() * sizeof(float));
    return make_part(x, torch::tensor(labels, torch::kLong), ids);
  }

  torch::Tensor x;
  if (input == InputKind::Table) {
    if (set.columns == 0 && n > 0) throw Error("the dataset has no per-segment feature table");
    x = adopt(std::move(set.table), {n, static_cast<std::int64_t>(set.columns)});
  } else {
    set.table = {};
    x = adopt(std::move(set.features), {n, static_cast<std::int64_t>(set.frames), static_cast<std::int64_t>(set.dims)});
  }
  torch::Tensor y = torch::empty({n}, torch::kLong);
  auto* labels = y.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < n; ++i) {
    labels[i] = set.label[i];
    ids.push_back(tracks.at(set.track[i]).id);
  }
  return make_part(x, y, ids);
}

}  // namespace

TrainingData load_training_data(const data::Dataset& dataset, InputKind input) {
  const data::DatasetParams& params = dataset.manifest().params;
  if (input == InputKind::Features && (params.frames <= 0 || params.dims <= 0))
    throw UsageError("data.input: this dataset holds no MFCC / log-mel slices (a table-only dataset, e.g. from a "
                     "feature CSV): train model.name mlp on data.input table or track_table");
  TrainingData d;
  d.input = input;
  d.params = dataset.manifest().params;
  d.classes = dataset.classes();
  d.split_leaks = dataset.manifest().split.leaks;
  d.train = load_part(dataset, data::Part::Train, input);
  d.val = load_part(dataset, data::Part::Val, input);
  d.test = load_part(dataset, data::Part::Test, input);
  if (d.train.size() == 0) throw Error("the training split is empty");
  d.sample_shape.assign(d.train.x.sizes().begin() + 1, d.train.x.sizes().end());
  for (const PartData* p : {&d.train, &d.val, &d.test})
    for (int label : p->track_label)
      if (label < 0 || label >= static_cast<int>(d.classes.size()))
        throw Error("label " + std::to_string(label) + " outside the dataset's " + std::to_string(d.classes.size()) +
                    " classes");
  return d;
}

// One streaming pass over the rows (standardizer_fit.h): float32 rows are
// read in place, other types are converted a block of rows at a time, so no
// copy of the split is made.
Standardizer Standardizer::fit(const torch::Tensor& x) {
  const std::int64_t width = x.size(-1);
  const torch::Tensor rows = x.reshape({-1, width});
  StandardizerFit fit(width);
  constexpr std::int64_t kBlock = 4096;
  for (std::int64_t b = 0; b < rows.size(0); b += kBlock) {
    const torch::Tensor block = rows.slice(0, b, std::min(rows.size(0), b + kBlock)).to(torch::kFloat).contiguous();
    fit.add(block.data_ptr<float>(), block.size(0));
  }
  return fit.finish();
}

torch::Tensor Standardizer::apply(const torch::Tensor& x) const {
  if (empty()) return x;
  if (x.size(-1) != static_cast<std::int64_t>(mean.size()))
    throw Error("standardisation fitted on " + std::to_string(mean.size()) + " values per row, the input has " +
                std::to_string(x.size(-1)));
  const auto n = static_cast<std::int64_t>(mean.size());
  const torch::Tensor m = torch::from_blob(const_cast<float*>(mean.data()), {n}, torch::kFloat).to(x.device());
  const torch::Tensor d = torch::from_blob(const_cast<float*>(std.data()), {n}, torch::kFloat).to(x.device());
  return (x - m) / d;
}

nlohmann::json Standardizer::to_json() const {
  if (empty()) return nullptr;
  return {{"axis", "last"}, {"mean", mean}, {"std", std}};
}

Standardizer Standardizer::from_json(const nlohmann::json& j) {
  Standardizer s;
  if (j.is_null()) return s;
  try {
    s.mean = j.at("mean").get<std::vector<float>>();
    s.std = j.at("std").get<std::vector<float>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("standardize: ") + e.what());
  }
  if (s.mean.size() != s.std.size()) throw Error("standardize: mean and std differ in length");
  for (float v : s.std)
    if (!(v > 0)) throw Error("standardize: std must be positive");
  return s;
}

}  // namespace genre::train
