// `genre synth`: writes the deterministic synthetic corpus the demo and the
// tests use. It is test data, never a stand-in for a real collection.
#include <iostream>

#include "app/options.h"
#include "common/progress.h"
#include "preprocess/commands.h"
#include "preprocess/synth.h"
#include "preprocess/synth_features.h"

namespace genre::preprocess {

namespace {

// --features: shards and dataset.json straight away, no audio.
int write_features(const SynthConfig& c, SynthFeaturesConfig f) {
  f.output = c.output;
  f.classes = c.classes;
  f.tracks_per_class = c.tracks_per_class;
  f.seed = c.seed;
  f.validate();
  const auto tracks = static_cast<std::size_t>(f.classes) * static_cast<std::size_t>(f.tracks_per_class);
  Progress progress("synth", (tracks + static_cast<std::size_t>(f.shard_tracks) - 1) / static_cast<std::size_t>(f.shard_tracks), "shards", true);
  const SynthFeaturesSummary s = write_synth_features(f, [&](std::size_t done, std::size_t) { progress.update(done); });
  progress.finish(s.shards);
  std::cout << "synth: wrote " << s.tracks << " tracks, " << s.segments << " " << f.feature << " segments in "
            << s.shards << " shards (" << s.bytes / (1 << 20) << " MiB) and dataset.json to " << c.output.string()
            << "\n";
  return 0;
}

}  // namespace

int synth_main(int argc, char** argv) {
  return app::guarded("synth", [&] {
    namespace po = app::po;
    SynthConfig c;
    std::string output;
    po::options_description opts("options");
    opts.add_options()
        ("output", po::value(&output)->required(), "folder to write <class>/<class>.NNNNN.wav into")
        ("classes", po::value(&c.classes)->default_value(c.classes), "number of classes (GTZAN's genre names up to 10)")
        ("tracks", po::value(&c.tracks_per_class)->default_value(c.tracks_per_class), "tracks per class")
        ("seconds", po::value(&c.seconds)->default_value(c.seconds), "length of each track")
        ("sample-rate", po::value(&c.sample_rate)->default_value(c.sample_rate), "sample rate (Hz)")
        ("seed", po::value(&c.seed)->default_value(c.seed), "corpus seed: same seed, byte-identical files")
        ("overlap", po::value(&c.overlap)->default_value(c.overlap),
         "how far tracks stray from their class's style, 0..1 (0: only notes and patterns vary; larger: "
         "classes harder to tell apart)")
        ("with-bad-files", po::bool_switch(&c.with_bad_files), "add broken files (empty, not audio, truncated, too short, silent, NaN, garbage FLAC)");
    SynthFeaturesConfig f;
    po::options_description features("feature datasets without audio (tests and benchmarks at scale)");
    features.add_options()
        ("features", po::value(&f.feature), "mfcc or logmel: write shards + dataset.json into --output directly, "
                                            "random class-dependent [130, 13 | 128] segments, no audio")
        ("segments", po::value(&f.segments_per_track)->default_value(f.segments_per_track), "segments per track (--features)")
        ("shard-tracks", po::value(&f.shard_tracks)->default_value(f.shard_tracks), "tracks per shard (--features)")
        ("split", po::value(&f.split)->default_value(f.split), "split of the tracks, as genre preprocess --split (--features)")
        ("threads", po::value(&f.threads)->default_value(f.threads), "writer threads, 0: all cores (--features)");
    opts.add(features);
    const auto vm = app::parse({"synth", "genre synth --output DIR [options]",
                                "Writes a deterministic labelled corpus laid out like GTZAN (16-bit mono WAV) whose "
                                "classes differ in tempo, timbre, spectral tilt, percussiveness and harmony, with "
                                "enough overlap that a classifier has to learn. For tests and demos only."},
                               opts, argc, argv);
    if (!vm) return 0;
    c.output = output;
    if (vm->count("features")) return write_features(c, f);
    c.validate();
    const std::size_t total = static_cast<std::size_t>(c.classes) * static_cast<std::size_t>(c.tracks_per_class);
    Progress progress("synth", total, "tracks", true);
    const SynthSummary s = write_synth_corpus(c, [&](std::size_t done, std::size_t) { progress.update(done); });
    progress.finish(s.files);
    std::cout << "synth: wrote " << s.files << " tracks";
    if (s.bad_files) std::cout << " and " << s.bad_files << " bad files";
    std::cout << " to " << output << "\n";
    return 0;
  });
}

}  // namespace genre::preprocess
