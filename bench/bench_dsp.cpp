// Cost of the spectral front end against its floor, the FFTs themselves.
// A 30-s track at 22050 Hz is 10 segments of 3 s, 130 frames each: 1300 FFTs
// of 2048 points. Run with --benchmark_repetitions=5 and read the medians.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "dsp/feature_extractor.h"
#include "dsp/fft_plan.h"
#include "dsp/stft.h"

namespace {

using namespace genre::dsp;

constexpr int kRate = 22050;
constexpr std::size_t kSegment = 3 * kRate;  // 66150 samples, 130 frames
constexpr std::size_t kSegmentsPerTrack = 10;
constexpr std::size_t kFramesPerTrack = 1300;

// A chirp over noise: broadband enough that no code path sees only zeros.
std::vector<float> test_signal(std::size_t n) {
  std::vector<float> y(n);
  std::uint32_t s = 1;
  const double pi = std::acos(-1.0);
  for (std::size_t i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    const double t = static_cast<double>(i) / kRate;
    const double noise = static_cast<double>(s >> 8) / (1u << 24) - 0.5;
    y[i] = static_cast<float>(0.4 * std::sin(2 * pi * (100 * t + 200 * t * t)) + 0.1 * noise);
  }
  return y;
}

// The floor: 1300 real FFTs of 2048 points on windowed frames, nothing else.
template <class Real>
void BM_FftFloor(benchmark::State& state) {
  ForwardFft<Real> fft(2048);
  const std::vector<float> y = test_signal(2048);
  // An out-of-place r2c plan leaves its input intact, so one fill serves all runs.
  for (std::size_t i = 0; i < 2048; ++i) fft.input()[i] = y[i];
  for (auto _ : state) {
    for (std::size_t f = 0; f < kFramesPerTrack; ++f) {
      fft.execute();
      benchmark::DoNotOptimize(fft.output());
    }
  }
  state.SetItemsProcessed(state.iterations() * kFramesPerTrack);
}
BENCHMARK_TEMPLATE(BM_FftFloor, float)->Name("BM_FftFloor_1300x2048/float")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_FftFloor, double)->Name("BM_FftFloor_1300x2048/double")->Unit(benchmark::kMillisecond);

// Windowing + double FFT + power for a track's 1300 frames: the STFT share of
// the MFCC cost (the rest is mel, dB and DCT).
void BM_StftPowerTrack(benchmark::State& state) {
  Stft stft(StftParams{});
  const std::vector<float> y = test_signal(kSegmentsPerTrack * kSegment);
  std::vector<float> power(stft.bins());
  for (auto _ : state) {
    for (std::size_t s = 0; s < kSegmentsPerTrack; ++s) {
      for (std::size_t t = 0; t < stft.frames(kSegment); ++t) {
        power_spectrum(stft.frame(y.data() + s * kSegment, kSegment, t), stft.bins(), power.data());
        benchmark::DoNotOptimize(power.data());
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * kFramesPerTrack);
}
BENCHMARK(BM_StftPowerTrack)->Unit(benchmark::kMillisecond);

void run_segments(benchmark::State& state, FeatureKind kind, std::size_t segments) {
  FeatureParams params;
  params.kind = kind;
  auto fx = make_feature_extractor(params);
  const std::vector<float> y = test_signal(segments * kSegment);
  std::vector<float> out(fx->frames(kSegment) * fx->dims());
  for (auto _ : state) {
    for (std::size_t s = 0; s < segments; ++s) {
      fx->compute(y.data() + s * kSegment, kSegment, out.data());
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * segments * fx->frames(kSegment));
}

void BM_Mfcc13Segment(benchmark::State& state) { run_segments(state, FeatureKind::Mfcc, 1); }
void BM_LogMelSegment(benchmark::State& state) { run_segments(state, FeatureKind::LogMel, 1); }
void BM_Mfcc13Track(benchmark::State& state) { run_segments(state, FeatureKind::Mfcc, kSegmentsPerTrack); }
BENCHMARK(BM_Mfcc13Segment)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LogMelSegment)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Mfcc13Track)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
