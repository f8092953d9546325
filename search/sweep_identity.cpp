#include "search/sweep_identity.h"

#include "common/error.h"
#include "common/file_io.h"
#include "common/hash.h"
#include "common/log.h"
#include "config/yaml_json.h"
#include "config/yaml_reader.h"

namespace genre::search {

namespace {

constexpr std::size_t kNamedChanges = 5;

std::filesystem::path dataset_json(const std::filesystem::path& data) {
  const auto file = std::filesystem::is_directory(data) ? data / "dataset.json" : data;
  return std::filesystem::absolute(file).lexically_normal();
}

// `at`: the dotted path of a and b ("" at the top).
void diff(const nlohmann::json& a, const nlohmann::json& b, const std::string& at, std::vector<std::string>& out) {
  if (!a.is_object() || !b.is_object()) {
    if (a != b) out.push_back(at.empty() ? "(the whole spec)" : at);
    return;
  }
  const std::string prefix = at.empty() ? "" : at + ".";
  // nlohmann's objects iterate in key order: walk both at once.
  auto i = a.begin(), j = b.begin();
  while (i != a.end() || j != b.end()) {
    const bool take_a = j == b.end() || (i != a.end() && i.key() < j.key());
    const bool take_b = i == a.end() || (j != b.end() && j.key() < i.key());
    if (take_a) out.push_back(prefix + i.key()), ++i;
    else if (take_b) out.push_back(prefix + j.key()), ++j;
    else diff(*i, *j, prefix + i.key(), out), ++i, ++j;
  }
}

std::string listed(const std::vector<std::string>& keys) {
  std::string out;
  for (std::size_t k = 0; k < keys.size() && k < kNamedChanges; ++k) out += (k ? ", " : "") + keys[k];
  if (keys.size() > kNamedChanges) out += " and " + std::to_string(keys.size() - kNamedChanges) + " more";
  return out;
}

const nlohmann::json* latest_record(const std::vector<nlohmann::json>& events) {
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (it->value("event", std::string()) == "sweep_started" && it->contains("spec_hash")) return &*it;
  return nullptr;
}

}  // namespace

std::vector<std::string> changed_keys(const nlohmann::json& before, const nlohmann::json& after) {
  std::vector<std::string> out;
  diff(before, after, "", out);
  return out;
}

nlohmann::json sweep_identity(const std::string& spec_text, const SweepSpec& spec, const std::filesystem::path& data) {
  const auto file = dataset_json(data);
  const std::string bytes = read_file(file);
  nlohmann::json canonical = config::yaml_to_json(config::read_yaml(self_contained(spec_text, spec), "the sweep spec"), "the sweep spec");
  // A spec without a name is named after its run folder: the same either way.
  if (canonical.is_object()) canonical.erase("name");
  return {{"data", {{"path", file.string()}, {"fingerprint", hash_hex(content_hash(bytes))}}},
          {"spec", canonical},
          {"spec_hash", hash_hex(content_hash(canonical.dump()))}};
}

void check_identity(const std::vector<nlohmann::json>& events, const nlohmann::json& now,
                    const ResumeAllowance& allow, const std::filesystem::path& journal) {
  if (events.empty()) return;
  const nlohmann::json* then = latest_record(events);
  if (!then) {
    spdlog::warn("{}: the journal does not record which dataset and spec the sweep ran (an older genre wrote it); "
                 "resuming without checking them",
                 journal.string());
    return;
  }
  const auto& was = then->at("data");
  const auto& is = now.at("data");
  if (was.value("fingerprint", "") != is.at("fingerprint").get<std::string>()) {
    const std::string what = journal.string() + ": --data " + is.at("path").get<std::string>() +
                             " is not the dataset the sweep ran on (" + was.value("path", "?") + ", fingerprint " +
                             was.value("fingerprint", "?") + "; now " + is.at("fingerprint").get<std::string>() + ")";
    if (!allow.changed_data)
      throw UsageError(what + ": pass the sweep's dataset, or --allow-changed-data to mix results of both");
    spdlog::warn("{} (allowed by --allow-changed-data)", what);
  } else if (was.value("path", "") != is.at("path").get<std::string>()) {
    spdlog::info("the dataset moved from {} to {} (unchanged: same fingerprint)", was.value("path", "?"),
                 is.at("path").get<std::string>());
  }
  if (then->at("spec_hash") != now.at("spec_hash")) {
    const std::string what = journal.string() + ": the spec changed since the sweep started (" +
                             listed(changed_keys(then->value("spec", nlohmann::json()), now.at("spec"))) + ")";
    if (!allow.changed_spec)
      throw UsageError(what + ": resume with the run's sweep.yaml (the default without --spec), or pass "
                              "--allow-changed-spec to continue under the new one");
    spdlog::warn("{} (allowed by --allow-changed-spec)", what);
  }
}

}  // namespace genre::search
