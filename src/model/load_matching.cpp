#include "model/load_matching.h"

#include <map>
#include <utility>

#include "common/error.h"

namespace genre::model {

namespace {

using Tensors = std::vector<std::pair<std::string, torch::Tensor>>;  // in the file's or the net's order

// Every tensor of an archive, by dotted name. The archive is a TorchScript
// module whose submodules are the layers (OutputArchive writes each child
// module as a nested archive); attributes that are neither a tensor nor a
// module (TorchScript's `training` flag) are not weights.
void collect(torch::serialize::InputArchive& archive, const std::string& prefix, Tensors& out) {
  for (const auto& key : archive.keys()) {
    c10::IValue value;
    torch::serialize::InputArchive child;
    if (archive.try_read(key, value) && value.isTensor())
      out.emplace_back(prefix + key, value.toTensor());
    else if (archive.try_read(key, child))
      collect(child, prefix + key + ".", out);
  }
}

// The net's parameters and buffers, layer by layer in registration order, so
// that "the first layer that differs" means the one nearest the input.
void add_own(const torch::nn::Module& m, const std::string& prefix, Tensors& out) {
  for (const auto& p : m.named_parameters(/*recurse=*/false)) out.emplace_back(prefix + p.key(), p.value());
  for (const auto& b : m.named_buffers(/*recurse=*/false)) out.emplace_back(prefix + b.key(), b.value());
}

Tensors net_tensors(Net& net) {
  Tensors out;
  add_own(net, "", out);
  // Without the net itself, which need not live in a shared_ptr.
  for (const auto& m : net.named_modules("", /*include_self=*/false)) add_own(*m.value(), m.key() + ".", out);
  return out;
}

std::string shape_text(const torch::Tensor& t) {
  std::string s;
  for (auto d : t.sizes()) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s.empty() ? "a scalar" : s;
}

std::string layer_of(const std::string& tensor) {
  const auto dot = tensor.rfind('.');
  return dot == std::string::npos ? tensor : tensor.substr(0, dot);
}

// "out, features.0.1" for the layers of a list of tensors, the first few.
std::string layers_text(const std::vector<std::string>& tensors) {
  std::vector<std::string> layers;
  for (const auto& t : tensors)
    if (layers.empty() || layers.back() != layer_of(t)) layers.push_back(layer_of(t));
  constexpr std::size_t kShown = 6;
  std::string s;
  for (std::size_t i = 0; i < layers.size() && i < kShown; ++i) s += (i ? ", " : "") + layers[i];
  if (layers.size() > kShown) s += " and " + std::to_string(layers.size() - kShown) + " more";
  return s;
}

}  // namespace

std::string LoadReport::summary() const {
  std::string s = "loaded " + std::to_string(loaded.size()) + " tensors (" + std::to_string(loaded_values) +
                  " values) from " + file.string();
  if (!missing.empty()) s += "; initial: " + layers_text(missing);
  if (!unused.empty()) s += "; not in this model: " + layers_text(unused);
  return s;
}

LoadReport load_matching(Net& net, const std::filesystem::path& file) {
  Tensors stored;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(file.string());
    collect(archive, "", stored);
  } catch (const c10::Error& e) {
    throw Error("cannot read weights from " + file.string() + ": " + e.what_without_backtrace());
  }
  std::map<std::string, torch::Tensor> by_name(stored.begin(), stored.end());

  LoadReport report;
  report.file = file;
  const Tensors own = net_tensors(net);
  // Check every shape before copying anything: a failed load leaves the net as it was.
  for (const auto& [name, tensor] : own) {
    const auto it = by_name.find(name);
    if (it == by_name.end()) {
      report.missing.push_back(name);
    } else if (!it->second.sizes().equals(tensor.sizes())) {
      throw Error(file.string() + ": layer '" + layer_of(name) + "' differs from this model's: " + name + " is " +
                  shape_text(it->second) + " there, " + shape_text(tensor) +
                  " here (weights of another architecture, input shape or class count)");
    } else {
      report.loaded.push_back(name);
    }
  }
  if (report.loaded.empty())
    throw Error(file.string() + ": none of its " + std::to_string(stored.size()) +
                " tensors has the name of a layer of this model");
  {
    torch::NoGradGuard no_grad;
    for (const auto& [name, tensor] : own) {
      const auto it = by_name.find(name);
      if (it == by_name.end()) continue;
      // Copied into the net's own tensors, which keep their storage, dtype
      // and device (the file's are CPU tensors, perhaps double).
      torch::Tensor target = tensor;
      target.copy_(it->second);
      report.loaded_values += tensor.numel();
    }
  }
  std::map<std::string, bool> in_net;
  for (const auto& t : own) in_net[t.first] = true;
  for (const auto& t : stored)
    if (!in_net.count(t.first)) report.unused.push_back(t.first);
  return report;
}

}  // namespace genre::model
