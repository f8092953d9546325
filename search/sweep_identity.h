#pragma once
// What a sweep ran on, recorded in its journal's sweep_started events (issue
// 13.6): the dataset (dataset.json's absolute path and a hash of its bytes:
// shards are published whole and listed there, so a re-preprocessed or
// different dataset has another dataset.json) and the spec (its parsed form
// with the job files it names inlined, so comments and layout do not count).
// --resume checks the run's latest record against what it is given now.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "search/spec.h"

namespace genre::search {

struct ResumeAllowance {
  bool changed_spec = false;  // --allow-changed-spec
  bool changed_data = false;  // --allow-changed-data
};

// {"data": {"path", "fingerprint"}, "spec": {...}, "spec_hash"}: the fields
// added to sweep_started. `data` is dataset.json or its folder. Throws Error
// naming dataset.json when it cannot be read.
nlohmann::json sweep_identity(const std::string& spec_text, const SweepSpec& spec, const std::filesystem::path& data);

// Against the latest sweep_started of `events` that records one: throws
// UsageError naming what changed (the dataset, or the spec's keys) and the
// flag that allows it. A journal that records none (an older genre's) is
// resumed with a warning. A dataset moved but unchanged is the same dataset.
void check_identity(const std::vector<nlohmann::json>& events, const nlohmann::json& now,
                    const ResumeAllowance& allow, const std::filesystem::path& journal);

// The dotted paths at which two JSON objects differ ("max_trials",
// "early_terminate.eta"), in key order.
std::vector<std::string> changed_keys(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace genre::search
