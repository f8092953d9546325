#include "slurm/job_spec_keys.h"

#include <regex>

#include "common/error.h"
#include "slurm/fields.h"

namespace genre::slurm {

namespace {

using F = config::FieldsOf<WrittenSpec>;
using Rows = std::vector<config::Field<WrittenSpec>>;
using Block = std::function<ResourcesBlock&(WrittenSpec&)>;

// A member of the resources block that `block` picks.
template <class T>
config::Ref<T, WrittenSpec> in(Block block, T ResourcesBlock::*member) {
  return [block, member](WrittenSpec& w) -> T& { return block(w).*member; };
}

void name_check(const std::string& key, const std::string& value) { check_slurm_name(key, value); }
void names_check(const std::string& key, const std::string& value) { check_slurm_name(key, value, /*list=*/true); }
void time_check(const std::string& key, const std::string& value) { parse_time_limit(key, value); }

void add_resources(Rows& rows, const std::string& at, const Block& block) {
  const std::string p = at + "resources.";
  rows.push_back(F::maybe_integer(p + "nodes", "nodes of the job", in(block, &ResourcesBlock::nodes), 1, 100000));
  rows.push_back(F::maybe_integer(p + "ntasks-per-node", "ranks per node (GPU nodes: gpus-per-node)",
                                  in(block, &ResourcesBlock::ntasks_per_node), 1, 4096));
  rows.push_back(F::maybe_integer(p + "gpus-per-node", "GPUs per node, one rank each", in(block, &ResourcesBlock::gpus_per_node), 0, 64));
  rows.push_back(F::maybe_integer(p + "cpus-per-task", "threads per rank", in(block, &ResourcesBlock::cpus_per_task), 1, 4096));
  rows.push_back(F::maybe_text(p + "mem", "memory per node (16G)", in(block, &ResourcesBlock::mem), check_memory));
  rows.push_back(F::maybe_text(p + "time", "time limit (HH:MM:SS, D-HH, ...)", in(block, &ResourcesBlock::time), time_check));
  rows.push_back(F::maybe_text(p + "partition", "partition(s), comma-separated", in(block, &ResourcesBlock::partition), names_check));
  rows.push_back(F::maybe_text(p + "account", "account", in(block, &ResourcesBlock::account), name_check));
  rows.push_back(F::maybe_text(p + "qos", "quality of service", in(block, &ResourcesBlock::qos), name_check));
  rows.push_back(F::maybe_text(p + "constraint", "node features", in(block, &ResourcesBlock::constraint), check_constraint));
  rows.push_back(F::maybe_text(p + "output", "folder of the job logs", in(block, &ResourcesBlock::output), check_header_path));
  rows.push_back(F::maybe_flag(p + "exclusive", "whole nodes", in(block, &ResourcesBlock::exclusive)));
}

void add_top(Rows& rows) {
  rows.push_back(F::maybe_text("name", "job names are <name>-<stage>", [](WrittenSpec& w) -> Text& { return w.name; },
                               [](const std::string& key, const std::string& v) {
                                 check_slurm_name(key, v);
                                 if (v.size() > 64) throw UsageError(key + ": longer than 64 characters");
                               }));
  rows.push_back(F::maybe_text("workdir", "where the jobs run; relative paths start here",
                               [](WrittenSpec& w) -> Text& { return w.workdir; }));
  rows.push_back(F::maybe_text("genre", "the binary the jobs run", [](WrittenSpec& w) -> Text& { return w.genre; }));
  rows.push_back(F::maybe_text("launcher", "srun or mpirun", [](WrittenSpec& w) -> Text& { return w.launcher; },
                               [](const std::string& key, const std::string& v) {
                                 if (v != "srun" && v != "mpirun") throw UsageError(key + ": '" + v + "' is not srun or mpirun");
                               }));
  rows.push_back(F::maybe_text("mpi", "srun's --mpi plugin", [](WrittenSpec& w) -> Text& { return w.mpi; },
                               [](const std::string& key, const std::string& v) {
                                 static const std::regex plugin("[a-z0-9_]{1,32}");
                                 if (!std::regex_match(v, plugin))
                                   throw UsageError(key + ": '" + v + "' is not an srun --mpi plugin name (pmix, pmi2, ...)");
                               }));
  rows.push_back(F::maybe_texts("modules", "modules loaded first, in order", [](WrittenSpec& w) -> Texts& { return w.modules; },
                                check_module_name));
  rows.push_back(F::maybe_pairs("env", "variables exported in every job",
                                [](WrittenSpec& w) -> std::optional<F::Pairs>& { return w.env; }, check_env_name));
  add_resources(rows, "", [](WrittenSpec& w) -> ResourcesBlock& { return w.resources; });
}

void add_stages(Rows& rows) {
  using P = WrittenSpec::Preprocess;
  using S = WrittenSpec::Search;
  using C = WrittenSpec::Classify;
  auto pre = [](Text P::*m) { return [m](WrittenSpec& w) -> Text& { return w.preprocess.*m; }; };
  rows.push_back(F::maybe_text("preprocess.input", "audio folder", pre(&P::input)));
  rows.push_back(F::maybe_text("preprocess.list", "or a path,label CSV", pre(&P::list)));
  rows.push_back(F::maybe_text("preprocess.output", "the dataset folder", pre(&P::output)));
  rows.push_back(F::maybe_texts("preprocess.args", "more genre preprocess options", [](WrittenSpec& w) -> Texts& { return w.preprocess.args; },
                                check_plain_text));
  add_resources(rows, "preprocess.", [](WrittenSpec& w) -> ResourcesBlock& { return w.preprocess.resources; });

  auto search = [](Text S::*m) { return [m](WrittenSpec& w) -> Text& { return w.search.*m; }; };
  rows.push_back(F::maybe_text("search.spec", "the sweep spec", search(&S::spec)));
  rows.push_back(F::maybe_text("search.data", "dataset.json (default: the preprocess stage's)", search(&S::data)));
  rows.push_back(F::maybe_text("search.out", "the sweep's folder", search(&S::out)));
  rows.push_back(F::maybe_texts("search.args", "more genre search options", [](WrittenSpec& w) -> Texts& { return w.search.args; },
                                check_plain_text));
  rows.push_back(F::maybe_integer("search.requeue.signal_seconds", "USR1 this long before the time limit",
                                  [](WrittenSpec& w) -> std::optional<long>& { return w.search.signal_seconds; }, 10, 86400));
  rows.push_back(F::maybe_integer("search.requeue.max_restarts", "self-requeues before giving up",
                                  [](WrittenSpec& w) -> std::optional<long>& { return w.search.max_restarts; }, 0, 10000));
  add_resources(rows, "search.", [](WrittenSpec& w) -> ResourcesBlock& { return w.search.resources; });

  auto classify = [](Text C::*m) { return [m](WrittenSpec& w) -> Text& { return w.classify.*m; }; };
  rows.push_back(F::maybe_text("classify.model", "a trained model folder", classify(&C::model)));
  rows.push_back(F::maybe_texts("classify.inputs", "audio files or folders", [](WrittenSpec& w) -> Texts& { return w.classify.inputs; }));
  rows.push_back(F::maybe_text("classify.format", "csv or json", classify(&C::format),
                               [](const std::string& key, const std::string& v) {
                                 if (v != "csv" && v != "json") throw UsageError(key + ": '" + v + "' is not csv or json");
                               }));
  rows.push_back(F::maybe_text("classify.output", "predictions file (default: the job log)", classify(&C::output)));
  rows.push_back(F::maybe_texts("classify.args", "more genre classify options", [](WrittenSpec& w) -> Texts& { return w.classify.args; },
                                check_plain_text));
  add_resources(rows, "classify.", [](WrittenSpec& w) -> ResourcesBlock& { return w.classify.resources; });
}

}  // namespace

const config::Schema<WrittenSpec>& job_spec_keys() {
  static const config::Schema<WrittenSpec> schema = [] {
    Rows rows;
    add_top(rows);
    add_stages(rows);
    return config::Schema<WrittenSpec>(std::move(rows), config::Conventions{/*dash_is_underscore=*/true});
  }();
  return schema;
}

}  // namespace genre::slurm
