// The seed's MFCC pipeline per 30 s track, as the preprocessor runs it on one
// core: decode a 16-bit WAV from memory (libsndfile), then 10 x 3 s MFCC-13.
// The FFT floor it is measured against is bench_dsp's BM_FftFloor_1300x2048.
// Run with --benchmark_repetitions=5 and read the medians.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audio/loader.h"
#include "audio/writer.h"
#include "common/hash.h"
#include "dsp/feature_extractor.h"
#include "preprocess/synth.h"

namespace {

using namespace genre;

// One synthetic 30 s track encoded as 16-bit WAV, the way GTZAN ships.
const std::string& wav_bytes() {
  static const std::string bytes = [] {
    preprocess::SynthConfig c;
    c.classes = 10;
    c.output = std::filesystem::temp_directory_path();
    const auto samples = preprocess::synth_track(c, 3, 0);
    const auto path = std::filesystem::temp_directory_path() / "genre-bench-track.wav";
    audio::write_audio(path, samples, 1, c.sample_rate, "wav16");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::filesystem::remove(path);
    return ss.str();
  }();
  return bytes;
}

void run_track(benchmark::State& state, dsp::FeatureKind kind) {
  dsp::FeatureParams params;
  params.kind = kind;
  auto fx = dsp::make_feature_extractor(params);
  constexpr std::size_t kSegment = 66150;
  const std::string& bytes = wav_bytes();
  std::vector<float> out(10 * fx->frames(kSegment) * fx->dims());
  for (auto _ : state) {
    benchmark::DoNotOptimize(content_hash(bytes));
    const auto a = audio::load_for_analysis(bytes, 22050, kSegment);
    const std::size_t n = audio::segment_count(a.samples.size(), kSegment, kSegment);
    for (std::size_t s = 0; s < n; ++s)
      fx->compute(a.samples.data() + s * kSegment, kSegment, out.data() + s * fx->frames(kSegment) * fx->dims());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// Decode + hash only: the I/O share of a track.
void BM_DecodeTrack(benchmark::State& state) {
  const std::string& bytes = wav_bytes();
  for (auto _ : state) {
    benchmark::DoNotOptimize(content_hash(bytes));
    benchmark::DoNotOptimize(audio::load_for_analysis(bytes, 22050, 66150).samples.data());
  }
}
void BM_TrackDecodeMfcc13(benchmark::State& state) { run_track(state, dsp::FeatureKind::Mfcc); }
void BM_TrackDecodeLogMel(benchmark::State& state) { run_track(state, dsp::FeatureKind::LogMel); }
BENCHMARK(BM_DecodeTrack)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TrackDecodeMfcc13)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TrackDecodeLogMel)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
