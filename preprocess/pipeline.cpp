#include "preprocess/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/stop_signal.h"
#include "common/text.h"
#include "data/split.h"
#include "dsp/feature_extractor.h"
#include "dsp/feature_table.h"
#include "preprocess/resume.h"
#include "preprocess/scan.h"
#include "preprocess/shard_sink.h"
#include "preprocess/work_queue.h"

namespace genre::preprocess {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Everything every rank needs to work, decided on rank 0 and broadcast.
struct Plan {
  std::vector<std::string> classes;
  std::vector<InputFile> files;
  std::vector<std::optional<StoredTrack>> stored;  // parallel to files
  std::map<int, int> next_sequence;
};

std::string encode_plan(const Plan& p) {
  json j;
  j["classes"] = p.classes;
  json files = json::array();
  for (std::size_t i = 0; i < p.files.size(); ++i) {
    const auto& f = p.files[i];
    json row = {f.path, f.full.string(), f.id, f.label, f.size_bytes};
    if (p.stored[i]) {
      row.push_back(p.stored[i]->size_bytes);
      row.push_back(p.stored[i]->checksum);
    }
    files.push_back(std::move(row));
  }
  j["files"] = std::move(files);
  for (const auto& [rank, seq] : p.next_sequence) j["next_sequence"][std::to_string(rank)] = seq;
  return j.dump();
}

Plan decode_plan(const std::string& s) {
  const json j = json::parse(s);
  Plan p;
  p.classes = j.at("classes").get<std::vector<std::string>>();
  for (const auto& row : j.at("files")) {
    InputFile f;
    f.path = row[0].get<std::string>();
    f.full = row[1].get<std::string>();
    f.id = row[2].get<std::string>();
    f.label = row[3].get<int>();
    f.size_bytes = row[4].get<std::uint64_t>();
    p.files.push_back(std::move(f));
    if (row.size() > 5)
      p.stored.push_back(StoredTrack{row[5].get<std::uint64_t>(), row[6].get<std::uint64_t>()});
    else
      p.stored.emplace_back();
  }
  if (j.contains("next_sequence"))
    for (const auto& [rank, seq] : j["next_sequence"].items()) p.next_sequence[std::stoi(rank)] = seq.get<int>();
  return p;
}

data::DatasetParams dataset_params(const PreprocessConfig& c, const std::vector<std::string>& classes) {
  data::DatasetParams p;
  p.feature = dsp::to_string(c.features.kind);
  p.sample_rate = c.features.stft.sample_rate;
  p.n_fft = c.features.stft.n_fft;
  p.hop_length = c.features.stft.hop_length;
  p.n_mels = c.features.n_mels;
  p.n_mfcc = c.features.n_mfcc;
  p.segment_s = c.segment_seconds;
  p.segment_samples = static_cast<int>(c.segment_length());
  p.pad_mode = dsp::to_string(c.features.stft.pad_mode);
  p.classes = classes;
  p.genre_version = GENRE_VERSION;
  const dsp::FeatureShape shape = dsp::feature_shape(c.features, c.segment_length());
  p.frames = static_cast<int>(shape.frames);
  p.dims = static_cast<int>(shape.dims);
  if (c.table) p.table_columns = dsp::FeatureTable::columns();
  return p;
}

// Rank 0: scan the input and the output folder; the result is the plan.
Plan make_plan(const PreprocessConfig& config, Collection& collection, PriorOutput& prior) {
  collection = config.list.empty() ? scan_folder(config.input) : scan_list(config.list);
  // Once each, here: dataset.json keeps them with the files failed later.
  // shown(): one line each, even for a name with a newline in it.
  for (const auto& f : collection.failed) spdlog::warn("skipping {}: {}", shown(f.path, 300), shown(f.reason, 400));
  if (collection.files.empty())
    throw UsageError("no audio files found in " + (config.list.empty() ? config.input : config.list).string() +
                     " (looked for .wav .au .flac .ogg .opus .mp3 ... inside class folders)");
  const data::DatasetParams params = dataset_params(config, collection.classes);
  prior = inspect_output(config.output, params, config.force);
  if (prior.removed_temporaries)
    spdlog::info("removed {} unfinished shard(s) of an interrupted run", prior.removed_temporaries);
  Plan plan;
  plan.classes = collection.classes;
  plan.files = collection.files;
  for (const auto& f : plan.files) {
    const auto it = prior.by_path.find(f.path);
    if (it != prior.by_path.end())
      plan.stored.push_back(it->second.stored);
    else
      plan.stored.emplace_back();
  }
  plan.next_sequence = prior.next_sequence;
  return plan;
}

}  // namespace

PreprocessResult run_preprocess(const PreprocessConfig& config, const dist::Comm& comm) {
  const auto start = std::chrono::steady_clock::now();
  Collection collection;
  PriorOutput prior;

  // Rank 0 decides; a problem it finds reaches every rank as the same error.
  std::string message;
  if (comm.rank() == 0) {
    try {
      message = "P" + encode_plan(make_plan(config, collection, prior));
    } catch (const UsageError& e) {
      message = "U" + describe(e);
    } catch (const std::exception& e) {
      message = "E" + describe(e);
    }
  }
  message = comm.broadcast(message, 0);
  // Every rank has the plan from here: the zero of its rank_timing clock.
  const auto planned = std::chrono::steady_clock::now();
  if (message[0] == 'U') throw UsageError(message.substr(1));
  if (message[0] == 'E') throw Error(message.substr(1));
  const Plan plan = decode_plan(message.substr(1));
  const data::DatasetParams params = dataset_params(config, plan.classes);

  if (comm.rank() == 0) {
    std::size_t reusable = 0;
    for (const auto& s : plan.stored) reusable += s.has_value();
    spdlog::info("{} files in {} classes, {} ranks; {} tracks from earlier runs to verify", plan.files.size(),
                 plan.classes.size(), comm.size(), reusable);
  }

  const auto seq = plan.next_sequence.find(comm.rank());
  ShardSink sink(config.output / "shards", params, comm.rank(), seq == plan.next_sequence.end() ? 0 : seq->second,
                 config.shard_tracks);
  TrackProcessor processor(config, params);

  const auto since_plan = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - planned).count(); };
  data::RankTiming timing;
  timing.rank = comm.rank();
  std::vector<TrackOutcome> outcomes(plan.files.size());
  Progress progress("preprocess", plan.files.size(), "files", comm.rank() == 0 && !config.quiet);
  std::size_t done = 0;
  // SIGTERM (a time limit): finish the file in hand, commit this rank's open
  // shard and end. Every complete shard survives; the rerun resumes from them.
  // _Exit, because rank 0's other thread and the MPI peers cannot be unwound
  // cleanly from here, and nothing else needs saving.
  const auto stop_if_asked = [&] {
    if (!stop_requested()) return;
    sink.flush();
    spdlog::warn("SIGTERM: open shard committed, stopping; rerun the same command to resume");
    std::_Exit(kInterruptedExitCode);
  };
  distribute(
      comm, plan.files.size(),
      [&](std::size_t i) {
        // One thread per rank runs tasks (rank 0's own worker thread there), so no lock.
        stop_if_asked();
        const double t0 = since_plan(), w0 = sink.write_seconds();
        TrackOutcome o = processor.process(plan.files[i], plan.stored[i], sink);
        timing.work_s += since_plan() - t0 - (sink.write_seconds() - w0);
        ++timing.files;
        return o;
      },
      [&](std::size_t i, const TrackOutcome& o) {
        outcomes[i] = o;
        if (o.status == TrackOutcome::Status::Failed)
          spdlog::warn("skipping {}: {}", shown(plan.files[i].path, 300), shown(o.reason, 400));
        progress.update(++done);
      });
  sink.flush();
  timing.write_s = sink.write_seconds();
  timing.done_s = since_plan();

  // Every rank's committed shards and timing reach rank 0, which writes the manifest.
  json mine = {{"shards", json::array()},
               {"timing", {timing.rank, timing.files, timing.work_s, timing.write_s, timing.done_s}}};
  for (const auto& e : sink.committed()) mine["shards"].push_back({e.file, e.tracks, e.segments});
  const auto gathered = comm.gather(mine.dump(), 0);
  PreprocessResult result;
  if (comm.rank() != 0) return result;
  progress.finish(done);

  data::Manifest& m = result.manifest;
  m.params = params;
  m.input = fs::absolute(config.list.empty() ? config.input : config.list).string();
  m.ranks = comm.size();
  m.created = utc_now();
  m.failed = collection.failed;
  std::unordered_set<std::string> reused_paths;
  std::vector<data::SplitTrack> split_tracks;
  for (std::size_t i = 0; i < plan.files.size(); ++i) {
    const auto& f = plan.files[i];
    const auto& o = outcomes[i];
    switch (o.status) {
      case TrackOutcome::Status::Failed:
        m.failed.push_back({f.path, o.reason});
        ++result.failed;
        continue;
      case TrackOutcome::Status::Reused: {
        reused_paths.insert(f.path);
        ++result.reused;
        const PriorTrack& p = prior.by_path.at(f.path);
        split_tracks.push_back({f.id, f.label, prior.track_segments[p.shard][static_cast<std::size_t>(p.row)]});
        break;
      }
      case TrackOutcome::Status::Done:
        ++result.processed;
        split_tracks.push_back({f.id, f.label, o.segments});
        break;
    }
    m.total_segments += static_cast<std::size_t>(split_tracks.back().n_segments);
  }
  m.total_tracks = split_tracks.size();
  m.reused_tracks = result.reused;
  m.shards = live_prior_shards(config.output, prior, reused_paths);
  for (const auto& text : gathered) {
    const json part = json::parse(text);
    for (const auto& e : part["shards"])
      m.shards.push_back({e[0].get<std::string>(), e[1].get<std::size_t>(), e[2].get<std::size_t>(), {}});
    const json& t = part["timing"];
    m.rank_timing.push_back({t[0].get<int>(), t[1].get<std::size_t>(), t[2].get<double>(), t[3].get<double>(),
                             t[4].get<double>()});
  }
  std::sort(m.shards.begin(), m.shards.end(), [](const auto& a, const auto& b) { return a.file < b.file; });
  std::sort(m.failed.begin(), m.failed.end(), [](const auto& a, const auto& b) { return a.path < b.path; });

  if (!split_tracks.empty()) {
    m.split = config.split_files.empty() ? data::make_split(config.split_spec, split_tracks, config.seed)
                                         : data::read_split_files(config.split_files, split_tracks);
  }
  m.plan_s = std::chrono::duration<double>(planned - start).count();
  m.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.tracks_per_s = m.wall_s > 0 ? static_cast<double>(result.processed + result.failed) / m.wall_s : 0.0;
  data::save_manifest(config.output / "dataset.json", m);
  return result;
}

}  // namespace genre::preprocess
