// Long files (#13.9): a signal longer than one block of frames is analysed
// block by block, and every piece must equal the whole analysis: the inverse
// STFT and HPSS bit for bit, the table row to the rounding of its sums, with
// scratch memory set by the block, not by the signal's length.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

#include "common/error.h"
#include "dsp/feature_table.h"
#include "dsp/hpss.h"
#include "dsp/istft.h"
#include "table_test_util.h"

namespace genre::dsp {
namespace {

constexpr int kRate = 22050;

// Music-like: a drifting chord, clicks on a beat (tempo, percussive part) and
// a little noise, so that every stage has something to find.
std::vector<float> music(double seconds) {
  std::vector<float> y(static_cast<std::size_t>(seconds * kRate));
  std::uint64_t state = 12345;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double t = static_cast<double>(i) / kRate;
    double v = 0.2 * std::sin(2 * M_PI * (220.0 + 3.0 * std::sin(0.3 * t)) * t) +
               0.1 * std::sin(2 * M_PI * 277.2 * t) + 0.1 * std::sin(2 * M_PI * 329.6 * t);
    const double beat = std::fmod(t, 0.5);
    if (beat < 0.01) v += 0.5 * (1.0 - beat / 0.01);
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    v += 0.02 * (static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5);
    y[i] = static_cast<float>(v);
  }
  return y;
}

struct Range {
  std::size_t from, to;
};

std::vector<Range> ranges(std::size_t n) {
  return {{0, 1000}, {0, 512 * 64}, {5000, 77777}, {512 * 300, 512 * 364}, {n - 3000, n}, {n - 1, n}};
}

TEST(LongSignals, InverseStftInPartsEqualsTheWholeBitForBit) {
  const std::vector<float> y = music(10.0);
  const test::Spectra s = test::spectra_of(y, PadMode::Constant);
  Istft istft{StftParams{}};
  std::vector<float> whole(y.size());
  istft.run(s.complex.data(), s.frames, y.size(), whole.data());
  for (const Range& r : ranges(y.size())) {
    const auto [first, last] = istft.frames_reaching(r.from, r.to, s.frames, y.size());
    ASSERT_LT(first, last);
    std::vector<float> part(r.to - r.from);
    istft.run_part(s.complex.data() + first * s.bins, first, last - first, s.frames, y.size(), r.from, r.to,
                   part.data());
    for (std::size_t i = 0; i < part.size(); ++i)
      ASSERT_EQ(part[i], whole[r.from + i]) << "sample " << r.from + i << " of part " << r.from << ".." << r.to;
    // One frame short of what it needs is refused, not silently wrong.
    if (last - first > 1) {
      EXPECT_THROW(istft.run_part(s.complex.data() + (first + 1) * s.bins, first + 1, last - first - 1, s.frames,
                                  y.size(), r.from, r.to, part.data()),
                   Error);
    }
  }
}

TEST(LongSignals, HarmonicPartsEqualTheWholeSeparationBitForBit) {
  const std::vector<float> y = music(10.0);
  const test::Spectra s = test::spectra_of(y, PadMode::Constant);
  Hpss hpss{StftParams{}};
  std::vector<float> harmonic(y.size()), percussive(y.size());
  hpss.separate(s.complex.data(), s.magnitude.data(), s.frames, y.data(), y.size(), harmonic.data(),
                percussive.data());
  for (const Range& r : ranges(y.size())) {
    const auto [c0, c1] = hpss.context(r.from, r.to, s.frames, y.size());
    std::vector<float> part(r.to - r.from);
    hpss.harmonic_part(s.complex.data() + c0 * s.bins, s.magnitude.data() + c0 * s.bins, c0, c1 - c0, s.frames,
                       y.size(), r.from, r.to, part.data());
    for (std::size_t i = 0; i < part.size(); ++i)
      ASSERT_EQ(part[i], harmonic[r.from + i]) << "sample " << r.from + i << " of part " << r.from << ".." << r.to;
  }
}

TEST(LongSignals, TableInBlocksEqualsTheWholeAnalysis) {
  const std::vector<float> y = music(20.0);  // 862 frames: 14 blocks of 64, one of 2048
  for (const PadMode mode : {PadMode::Constant, PadMode::Reflect}) {
    StftParams p;
    p.pad_mode = mode;
    FeatureTable whole(p), blocks(p, 64);
    std::vector<float> a(FeatureTable::columns().size()), b(a.size());
    whole.compute(y.data(), y.size(), a.data());
    blocks.compute(y.data(), y.size(), b.data());
    for (std::size_t c = 0; c < a.size(); ++c)
      EXPECT_NEAR(b[c], a[c], 1e-6 * (1.0 + std::fabs(a[c]))) << FeatureTable::columns()[c];
    // The exposed log-mel is the whole signal's in both.
    EXPECT_EQ(blocks.log_mel(), whole.log_mel());
  }
}

TEST(LongSignals, ScratchIsSetByTheBlockNotTheLength) {
  // Per frame of the signal the blocked analysis keeps ~0.6 KB of summaries
  // (log-mel 512 B, MFCC 80 B, shape, onset, RMS); the whole analysis keeps
  // the spectrogram in four views and the medians (~36 KB per frame). So
  // doubling the length may add only the summaries' bytes.
  const std::vector<float> shorter = music(60.0), longer = music(120.0);
  const double added_frames = static_cast<double>((longer.size() - shorter.size()) / 512);
  std::vector<float> row(FeatureTable::columns().size());
  const auto growth_per_frame = [&](FeatureTable& table) {
    table.compute(shorter.data(), shorter.size(), row.data());
    const double before = static_cast<double>(table.scratch_bytes());
    table.compute(longer.data(), longer.size(), row.data());
    return (static_cast<double>(table.scratch_bytes()) - before) / added_frames;
  };
  FeatureTable blocks(StftParams{}, 128), whole(StftParams{}, 1 << 20);
  EXPECT_LT(growth_per_frame(blocks), 700.0);
  EXPECT_GT(growth_per_frame(whole), 20.0 * 1024);
}

}  // namespace
}  // namespace genre::dsp
