#pragma once
// The keys of a job spec as written (job_spec.h lists them), declared once in
// a config::Schema: every key optional, nothing resolved or checked against
// the disk yet. Reading and validating it checks each value on its own (types,
// ranges, the whitelists of slurm/fields.h); job_spec.cpp turns it into a
// JobSpec (paths resolved, files required, resources merged, rules across
// keys). Keys may be spelled with - or _ (sbatch's ntasks-per-node, YAML's
// ntasks_per_node): both name one key.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/schema.h"

namespace genre::slurm {

using Texts = std::optional<std::vector<std::string>>;
using Text = std::optional<std::string>;

// One resources: block (top level or a stage's).
struct ResourcesBlock {
  std::optional<long> nodes, ntasks_per_node, gpus_per_node, cpus_per_task;
  Text mem, time, partition, account, qos, constraint, output;
  std::optional<bool> exclusive;
};

struct WrittenSpec {
  Text name, workdir, genre, launcher, mpi;
  Texts modules;
  std::optional<std::vector<std::pair<std::string, std::string>>> env;
  ResourcesBlock resources;
  struct Preprocess {
    ResourcesBlock resources;
    Text input, list, output;
    Texts args;
  } preprocess;
  struct Search {
    ResourcesBlock resources;
    Text spec, data, out;
    Texts args;
    std::optional<long> signal_seconds, max_restarts;
  } search;
  struct Classify {
    ResourcesBlock resources;
    Text model, format, output;
    Texts inputs, args;
  } classify;
};

const config::Schema<WrittenSpec>& job_spec_keys();

}  // namespace genre::slurm
