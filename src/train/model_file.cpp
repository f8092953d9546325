#include "train/model_file.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"
#include "common/hash.h"
#include "model/registry.h"

namespace genre::train {

using json = nlohmann::json;

namespace {

json params_json(const data::DatasetParams& p) {
  return {{"feature", p.feature},     {"sample_rate", p.sample_rate}, {"n_fft", p.n_fft},
          {"hop_length", p.hop_length}, {"n_mels", p.n_mels},         {"n_mfcc", p.n_mfcc},
          {"segment_s", p.segment_s}, {"segment_samples", p.segment_samples},
          {"pad_mode", p.pad_mode},   {"frames", p.frames},
          {"dims", p.dims},           {"table_columns", p.table_columns}};
}

data::DatasetParams params_from(const json& j) {
  data::DatasetParams p;
  p.feature = j.at("feature").get<std::string>();
  p.sample_rate = j.at("sample_rate").get<int>();
  p.n_fft = j.at("n_fft").get<int>();
  p.hop_length = j.at("hop_length").get<int>();
  p.n_mels = j.at("n_mels").get<int>();
  p.n_mfcc = j.at("n_mfcc").get<int>();
  p.segment_s = j.at("segment_s").get<double>();
  p.segment_samples = j.value("segment_samples", static_cast<int>(std::llround(p.segment_s * p.sample_rate)));
  p.pad_mode = j.at("pad_mode").get<std::string>();
  p.frames = j.at("frames").get<int>();
  p.dims = j.at("dims").get<int>();
  p.table_columns = j.value("table_columns", std::vector<std::string>{});
  return p;
}

}  // namespace

json to_json(const ModelCard& card) {
  return {{"format", "genre-model"},
          {"format_version", kModelFormatVersion},
          {"genre_version", GENRE_VERSION},
          {"input", to_string(card.input)},
          {"sample_shape", card.sample_shape},
          {"classes", card.classes},
          {"features", params_json(card.features)},
          {"standardize", card.standardizer.to_json()},
          {"config", to_json(card.config)},
          {"training", card.training},
          {"weights", "checkpoint.pt"}};
}

ModelCard model_card_from_json(const json& j, const std::string& origin) {
  ModelCard card;
  try {
    if (j.at("format").get<std::string>() != "genre-model") throw Error("not a genre model description");
    if (j.at("format_version").get<int>() > kModelFormatVersion)
      throw Error("format_version " + std::to_string(j.at("format_version").get<int>()) + " is newer than this genre reads");
    card.input = parse_input_kind(j.at("input").get<std::string>());
    card.sample_shape = j.at("sample_shape").get<std::vector<std::int64_t>>();
    card.classes = j.at("classes").get<std::vector<std::string>>();
    card.features = params_from(j.at("features"));
    card.features.classes = card.classes;
    card.standardizer = Standardizer::from_json(j.at("standardize"));
    card.config = config_from_json(j.at("config"), "config");
    card.training = j.value("training", json::object());
  } catch (const json::exception& e) {
    throw Error(origin + ": " + e.what());
  } catch (const std::exception&) {
    rethrow_with_context(origin);
  }
  return card;
}

namespace {

std::filesystem::path weights_beside(const std::filesystem::path& model_json) {
  return model_json.parent_path() / "checkpoint.pt";
}

std::string weights_hash(const std::filesystem::path& checkpoint) {
  return std::filesystem::exists(checkpoint) ? hash_hex(content_hash(read_file(checkpoint))) : "";
}

}  // namespace

void write_model_card(const std::filesystem::path& file, const ModelCard& card) {
  json j = to_json(card);
  if (const std::string hash = weights_hash(weights_beside(file)); !hash.empty()) j["weights_xxh3"] = hash;
  write_durably(file, j.dump(2) + "\n");
}

ModelCard read_model_card(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read " + file.string());
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(file.string() + ": not valid JSON: " + e.what());
  }
  return model_card_from_json(j, file.string());
}

void save_weights(model::Net& net, const std::filesystem::path& file) {
  torch::serialize::OutputArchive archive;
  net.save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_durably(file, bytes.str());
  // A new best epoch replaces the weights: model.json must name their hash.
  const auto card_file = file.parent_path() / "model.json";
  if (file.filename() == "checkpoint.pt" && std::filesystem::exists(card_file)) {
    json card = json::parse(read_file(card_file), nullptr, /*allow_exceptions=*/false);
    if (card.is_object()) {
      card["weights_xxh3"] = hash_hex(content_hash(bytes.str()));
      write_durably(card_file, card.dump(2) + "\n");
    }
  }
}

namespace {

// The archive's tensors by dotted name (Module::save nests a child module's
// tensors in an archive of its own; attributes that are not tensors, such as
// TorchScript's `training` flag, are not weights).
void collect(torch::serialize::InputArchive& archive, const std::string& prefix,
             std::map<std::string, torch::Tensor>& out) {
  for (const auto& key : archive.keys()) {
    c10::IValue value;
    torch::serialize::InputArchive child;
    if (archive.try_read(key, value) && value.isTensor())
      out.emplace(prefix + key, value.toTensor());
    else if (archive.try_read(key, child))
      collect(child, prefix + key + ".", out);
  }
}

std::string shape_text(const torch::Tensor& t) {
  std::string s;
  for (auto d : t.sizes()) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s.empty() ? "a scalar" : s;
}

// Module::load copies whatever shape the file has into the net (LibTorch's
// InputArchive resizes the tensor): a checkpoint of another class count
// then gives more outputs than model.json has names for, and classify read
// past the class list. Every tensor is compared first; the head (the last
// layer with parameters, "out" in every model) differing in its first
// dimension is a class count that model.json and the checkpoint disagree on.
void check_shapes(model::Net& net, torch::serialize::InputArchive& archive, const std::filesystem::path& file) {
  std::map<std::string, torch::Tensor> stored;
  collect(archive, "", stored);
  const auto params = net.named_parameters();
  const std::string last = params.is_empty() ? "" : params.keys().back();
  const std::string head = last.substr(0, last.rfind('.') + 1);
  const auto check = [&](const std::string& name, const torch::Tensor& own) {
    const auto it = stored.find(name);
    if (it == stored.end())
      throw Error(file.string() + " has no tensor '" + name + "': the weights of another model than model.json's");
    const torch::Tensor& theirs = it->second;
    if (theirs.sizes().equals(own.sizes())) return;
    const bool classes = !head.empty() && name.rfind(head, 0) == 0 && theirs.dim() == own.dim() && own.dim() > 0 &&
                         theirs.sizes().slice(1).equals(own.sizes().slice(1));
    if (classes)
      throw Error("model.json names " + std::to_string(own.size(0)) + " classes but " + file.string() + " has " +
                  std::to_string(theirs.size(0)) + " outputs (layer '" + head.substr(0, head.size() - 1) +
                  "'): the class list does not belong to these weights");
    throw Error(file.string() + ": " + name + " is " + shape_text(theirs) + ", model.json's model has " +
                shape_text(own) + " (weights of another architecture or input shape)");
  };
  for (const auto& p : params) check(p.key(), p.value());
  for (const auto& b : net.named_buffers()) check(b.key(), b.value());
}

}  // namespace

void load_weights(model::Net& net, const std::filesystem::path& file) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(file.string());
    check_shapes(net, archive, file);
    net.load(archive);
  } catch (const c10::Error& e) {
    throw Error("cannot load weights from " + file.string() + ": " + e.what_without_backtrace());
  }
}

TrainedModel load_trained_model(const std::filesystem::path& dir, const torch::Device& device) {
  TrainedModel m;
  m.card = read_model_card(dir / "model.json");
  try {
    m.net = model::build_model(m.card.config.model, m.card.sample_shape, static_cast<int>(m.card.classes.size()));
  } catch (const std::exception&) {
    rethrow_with_context((dir / "model.json").string());
  }
  const auto weights = dir / "checkpoint.pt";
  const std::string recorded =
      json::parse(read_file(dir / "model.json"), nullptr, false).value("weights_xxh3", std::string());
  if (!recorded.empty() && std::filesystem::exists(weights) && weights_hash(weights) != recorded)
    throw Error(weights.string() + " does not match model.json's hash (" + recorded +
                "): the file is damaged or was replaced; restore the pair, or train again");
  load_weights(*m.net, weights);
  m.net->to(device);
  m.net->eval();
  return m;
}

}  // namespace genre::train
