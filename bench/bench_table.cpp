// The GTZAN feature table for one 30-s track on one core: 10 segment rows
// (3 s each, as features_3_sec.csv) plus the whole-track row (as
// features_30_sec.csv). librosa 0.9.2 takes 1.40 s for the same on this
// machine (88% in harmonic-percussive separation); the target is <= 90 ms.
// Run with --benchmark_repetitions=5 and read the medians; the per-stage
// counters (ms per track) say where the time goes.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "dsp/feature_table.h"

namespace {

using namespace genre::dsp;

constexpr int kRate = 22050;
constexpr std::size_t kSegment = 3 * kRate;      // 66150 samples
constexpr std::size_t kSegmentsPerTrack = 10;
constexpr std::size_t kTrack = 661794;           // a GTZAN track's length

// Music-like enough for every stage: a few decaying tones on a beat, a chirp
// and some noise (no code path sees only zeros or a pure tone).
std::vector<float> test_track() {
  std::vector<float> y(kTrack);
  std::uint32_t s = 7;
  const double pi = std::acos(-1.0);
  for (std::size_t i = 0; i < kTrack; ++i) {
    s = s * 1664525u + 1013904223u;
    const double t = static_cast<double>(i) / kRate;
    const double beat = std::exp(-8.0 * std::fmod(t, 0.5));
    const double noise = static_cast<double>(s >> 8) / (1u << 24) - 0.5;
    y[i] = static_cast<float>(0.3 * beat * (std::sin(2 * pi * 220 * t) + 0.5 * std::sin(2 * pi * 330 * t)) +
                              0.1 * std::sin(2 * pi * (100 * t + 40 * t * t)) + 0.05 * noise);
  }
  return y;
}

void report_split(benchmark::State& state, const TableTimings& t, double tracks) {
  const double ms = 1e3 / tracks;
  state.counters["stft_mel_spectral_ms"] = t.stft * ms;
  state.counters["db_mfcc_ms"] = t.mfcc * ms;
  state.counters["onset_tempo_ms"] = t.tempo * ms;
  state.counters["chroma_ms"] = t.chroma * ms;
  state.counters["zcr_rms_ms"] = t.framewise * ms;
  state.counters["hpss_ms"] = t.hpss * ms;
  state.counters["summary_ms"] = t.summary * ms;
}

// The whole table of one track: what `genre preprocess --table` adds per file.
void BM_TableTrack(benchmark::State& state) {
  const std::vector<float> y = test_track();
  FeatureTable table(StftParams{});
  std::vector<float> row(FeatureTable::columns().size());
  table.compute(y.data(), kSegment, row.data());  // warm the scratch and the chroma cache
  table.reset_timings();
  for (auto _ : state) {
    for (std::size_t s = 0; s < kSegmentsPerTrack; ++s) {
      table.compute(y.data() + s * kSegment, kSegment, row.data());
      benchmark::DoNotOptimize(row.data());
    }
    table.compute(y.data(), y.size(), row.data());
    benchmark::DoNotOptimize(row.data());
  }
  report_split(state, table.timings(), static_cast<double>(state.iterations()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TableTrack)->Unit(benchmark::kMillisecond);

// The two halves apart: 10 segment rows, and the whole-track row.
void BM_TableSegments(benchmark::State& state) {
  const std::vector<float> y = test_track();
  FeatureTable table(StftParams{});
  std::vector<float> row(FeatureTable::columns().size());
  for (auto _ : state)
    for (std::size_t s = 0; s < kSegmentsPerTrack; ++s) {
      table.compute(y.data() + s * kSegment, kSegment, row.data());
      benchmark::DoNotOptimize(row.data());
    }
}
BENCHMARK(BM_TableSegments)->Unit(benchmark::kMillisecond);

void BM_TableWholeTrack(benchmark::State& state) {
  const std::vector<float> y = test_track();
  FeatureTable table(StftParams{});
  std::vector<float> row(FeatureTable::columns().size());
  for (auto _ : state) {
    table.compute(y.data(), y.size(), row.data());
    benchmark::DoNotOptimize(row.data());
  }
}
BENCHMARK(BM_TableWholeTrack)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
