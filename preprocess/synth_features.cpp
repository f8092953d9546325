#include "preprocess/synth_features.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/random.h"
#include "data/manifest.h"
#include "data/shard.h"
#include "data/split.h"
#include "preprocess/shard_sink.h"
#include "preprocess/synth.h"

namespace genre::preprocess {

namespace fs = std::filesystem;

namespace {

constexpr int kFrames = 130;  // 3 s at 22050 Hz, hop 512 (what preprocess writes)

// Approximately standard normal noise at the speed of one splitmix64 step per
// value: four 16-bit uniforms summed (Irwin-Hall), centred and scaled to unit
// variance. A billion values of std::normal_distribution would take minutes.
class FastNoise {
 public:
  explicit FastNoise(std::uint64_t seed) : state_(seed) {}
  float next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    const auto sum = static_cast<float>((z & 0xffff) + ((z >> 16) & 0xffff) + ((z >> 32) & 0xffff) + (z >> 48));
    return (sum * (1.0f / 65536.0f) - 2.0f) * 1.7320508f;
  }

 private:
  std::uint64_t state_;
};

// What every track draws from: each class's pattern, and a per-dimension
// level and scale so that the data is not standardised already.
struct Model {
  int frames = kFrames, dims = 13;
  std::vector<std::vector<float>> pattern;  // [class][frames * dims]
  std::vector<float> level, scale;          // [dims]
};

Model make_model(const SynthFeaturesConfig& c, int dims) {
  Model m;
  m.dims = dims;
  Random rng(splitmix64(c.seed));
  for (int d = 0; d < dims; ++d) {
    m.level.push_back(static_cast<float>(5 * rng.normal()));
    m.scale.push_back(static_cast<float>(rng.uniform(0.5, 2.0)));
  }
  m.pattern.assign(static_cast<std::size_t>(c.classes), std::vector<float>(static_cast<std::size_t>(kFrames * dims)));
  for (auto& p : m.pattern)
    for (int d = 0; d < dims; ++d) {
      const double level = rng.normal(), swing = rng.normal(), phase = rng.uniform(0, 6.283);
      for (int f = 0; f < kFrames; ++f)
        p[static_cast<std::size_t>(f * dims + d)] = static_cast<float>(level + swing * std::sin(0.15 * f + phase));
    }
  return m;
}

std::string track_id(const std::vector<std::string>& names, int track) {
  const int classes = static_cast<int>(names.size());
  const std::string k = std::to_string(track / classes);
  return names[static_cast<std::size_t>(track % classes)] + "." + std::string(k.size() < 5 ? 5 - k.size() : 0, '0') + k;
}

// Track `track` (class track % classes): seeded by its index alone.
data::TrackFeatures make_track(const SynthFeaturesConfig& c, const Model& m, const std::vector<std::string>& names,
                               int track) {
  data::TrackFeatures t;
  const int label = track % c.classes;
  t.info.id = track_id(names, track);
  t.info.path = names[static_cast<std::size_t>(label)] + "/" + t.info.id + ".wav";
  t.info.label = label;
  t.info.duration_s = static_cast<float>(3.0 * c.segments_per_track);
  t.n_segments = c.segments_per_track;
  FastNoise noise(splitmix64(c.seed ^ splitmix64(static_cast<std::uint64_t>(track) + 1)));
  std::vector<float> offset(static_cast<std::size_t>(m.dims));
  for (float& o : offset) o = 0.3f * noise.next();
  const auto signal = static_cast<float>(c.signal);
  const std::vector<float>& p = m.pattern[static_cast<std::size_t>(label)];
  t.features.resize(static_cast<std::size_t>(c.segments_per_track) * p.size());
  float* out = t.features.data();
  for (int s = 0; s < c.segments_per_track; ++s) {
    t.start_s.push_back(3.0f * static_cast<float>(s));
    for (int f = 0; f < m.frames; ++f)
      for (int d = 0; d < m.dims; ++d, ++out) {
        const auto i = static_cast<std::size_t>(d);
        *out = m.level[i] + m.scale[i] * (signal * p[static_cast<std::size_t>(f * m.dims + d)] + offset[i] + noise.next());
      }
  }
  return t;
}

data::DatasetParams params_of(const SynthFeaturesConfig& c) {
  data::DatasetParams p;
  p.feature = c.feature;
  p.classes = synth_class_names(c.classes);
  p.genre_version = GENRE_VERSION;
  p.frames = kFrames;
  p.dims = c.feature == "mfcc" ? p.n_mfcc : p.n_mels;
  return p;
}

}  // namespace

void SynthFeaturesConfig::validate() const {
  if (output.empty()) throw UsageError("--output is required");
  if (feature != "mfcc" && feature != "logmel") throw UsageError("--features: '" + feature + "' is not mfcc or logmel");
  if (classes < 2) throw UsageError("--classes must be at least 2 for a feature dataset");
  if (tracks_per_class < 1) throw UsageError("--tracks must be positive");
  if (segments_per_track < 1 || segments_per_track > 10000) throw UsageError("--segments must be in 1..10000");
  if (shard_tracks < 1) throw UsageError("--shard-tracks must be positive");
  if (threads < 0) throw UsageError("--threads must not be negative");
  data::parse_split_spec(split);
}

SynthFeaturesSummary write_synth_features(const SynthFeaturesConfig& c, const SynthFeaturesProgress& progress) {
  c.validate();
  const data::SplitSpec split = data::parse_split_spec(c.split);
  if (fs::exists(c.output / "dataset.json"))
    throw UsageError("--output " + c.output.string() + " already holds a dataset.json");
  fs::create_directories(c.output / "shards");
  const data::DatasetParams params = params_of(c);
  const Model model = make_model(c, params.dims);
  const int tracks = c.classes * c.tracks_per_class;
  const std::size_t shards = static_cast<std::size_t>((tracks + c.shard_tracks - 1) / c.shard_tracks);

  // Shards are independent: each worker takes the next one, and the result
  // does not depend on which worker wrote which.
  std::vector<data::ShardEntry> entries(shards);
  std::atomic<std::size_t> next{0}, done{0};
  std::exception_ptr failure;
  std::mutex mutex;
  auto work = [&] {
    try {
      for (std::size_t s; (s = next++) < shards;) {
        const std::string file = "shards/" + ShardSink::shard_name(0, static_cast<int>(s));
        data::ShardWriter writer(c.output / file, params);
        const int first = static_cast<int>(s) * c.shard_tracks;
        for (int t = first; t < std::min(tracks, first + c.shard_tracks); ++t)
          writer.add(make_track(c, model, params.classes, t));
        writer.commit();
        entries[s] = {file, writer.tracks(), writer.segments(), {}};
        const std::lock_guard lock(mutex);
        if (progress) progress(++done, shards);
      }
    } catch (...) {
      const std::lock_guard lock(mutex);
      if (!failure) failure = std::current_exception();
      next = shards;
    }
  };
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const auto workers = std::min<std::size_t>(shards, c.threads > 0 ? static_cast<std::size_t>(c.threads) : cores);
  std::vector<std::thread> pool;
  for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);

  data::Manifest m;
  m.params = params;
  m.input = "genre synth --features " + c.feature + " (no audio)";
  m.shards = entries;
  std::vector<data::SplitTrack> split_tracks;
  for (int t = 0; t < tracks; ++t) split_tracks.push_back({track_id(params.classes, t), t % c.classes, c.segments_per_track});
  m.split = data::make_split(split, split_tracks, c.seed);
  m.total_tracks = static_cast<std::size_t>(tracks);
  m.total_segments = m.total_tracks * static_cast<std::size_t>(c.segments_per_track);
  m.created = utc_now();
  data::save_manifest(c.output / "dataset.json", m);

  SynthFeaturesSummary summary{m.total_tracks, m.total_segments, shards, 0};
  for (const auto& e : entries) summary.bytes += fs::file_size(c.output / e.file);
  return summary;
}

}  // namespace genre::preprocess
