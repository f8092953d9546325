#include "model/freeze.h"

#include "common/error.h"

namespace genre::model {

namespace {

// `name` is `prefix` or lies inside it, on dotted-component boundaries.
bool under(const std::string& name, const std::string& prefix) {
  return name.compare(0, prefix.size(), prefix) == 0 && (name.size() == prefix.size() || name[prefix.size()] == '.');
}

bool under_any(const std::string& name, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes)
    if (under(name, p)) return true;
  return false;
}

std::vector<std::string> expand(const Net& net, const std::vector<std::string>& spec) {
  std::vector<std::string> prefixes;
  for (const auto& s : spec) {
    if (s == "none") {
      if (spec.size() > 1) throw UsageError("train.freeze: 'none' cannot stand beside other layers");
      continue;
    }
    if (s.empty()) throw UsageError("train.freeze: an empty layer name");
    if (s == "backbone") {
      for (const auto& b : net.backbone()) prefixes.push_back(b);
    } else {
      prefixes.push_back(s);
    }
  }
  return prefixes;
}

std::string layer_list(const Net& net) {
  std::string names;
  for (const auto& child : net.named_children()) names += (names.empty() ? "" : ", ") + child.key();
  return names;
}

}  // namespace

FreezeResult freeze(Net& net, const std::vector<std::string>& spec) {
  FreezeResult result;
  result.prefixes = expand(net, spec);
  const auto params = net.named_parameters();
  for (const auto& prefix : result.prefixes) {
    bool found = false;
    for (const auto& p : params) found = found || under(p.key(), prefix);
    if (!found)
      throw UsageError("train.freeze: '" + prefix + "' names no layer with parameters (layers: " + layer_list(net) + ")");
  }
  bool any_trainable = false;
  for (const auto& p : params) any_trainable = any_trainable || !under_any(p.key(), result.prefixes);
  if (!any_trainable) throw UsageError("train.freeze: freezes every parameter, which leaves nothing to train");
  for (const auto& p : params) {
    const bool frozen = under_any(p.key(), result.prefixes);
    p.value().set_requires_grad(!frozen);
    if (frozen) result.parameters += p.value().numel();
  }

  // Layers with running statistics (batch norm) under a frozen prefix.
  std::vector<std::shared_ptr<torch::nn::Module>> norms;
  for (const auto& m : net.named_modules("", /*include_self=*/false)) {
    if (!under_any(m.key(), result.prefixes)) continue;
    for (const auto& b : m.value()->named_buffers(/*recurse=*/false))
      if (b.key() == "running_mean") {
        norms.push_back(m.value());
        break;
      }
  }
  result.batch_norms = static_cast<std::int64_t>(norms.size());
  net.keep_in_eval(std::move(norms));
  return result;
}

}  // namespace genre::model
