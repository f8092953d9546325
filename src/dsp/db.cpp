#include "dsp/db.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "dsp/simd.h"

namespace genre::dsp {

namespace {

// 10 log10(max(amin, x)). x = 2^e * z with z in [sqrt(1/2), sqrt(2)), ln z from
// Cephes' logf polynomial in r = z - 1 (about 1 ulp). Integer bit work instead
// of frexp keeps the loop free of calls, so the compiler vectorises it.
inline float db_inline(float x) {
  std::int32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  // max(amin, x) on the bit patterns: int32 order is float order for
  // non-negative floats, and every negative float (and -0) sorts below amin.
  // Unlike a float max (NaN rules), an integer max vectorises.
  constexpr std::int32_t kAminBits = 0x2edbe6ff;  // 1e-10f
  static_assert(kPowerToDbAmin == 1e-10f, "kAminBits holds the bits of kPowerToDbAmin");
  const std::int32_t clamped = std::max(bits, kAminBits);
  const auto ix = static_cast<std::uint32_t>(clamped);
  constexpr std::uint32_t kSqrtHalfBits = 0x3f3504f3u;
  const std::uint32_t tmp = ix - kSqrtHalfBits;
  const auto e = static_cast<float>(static_cast<std::int32_t>(tmp) >> 23);  // arithmetic shift
  const std::uint32_t iz = ix - (tmp & 0xff800000u);
  float z;
  std::memcpy(&z, &iz, sizeof z);
  const float r = z - 1.0f;
  const float r2 = r * r;
  float p = 7.0376836292e-2f;
  p = p * r - 1.1514610310e-1f;
  p = p * r + 1.1676998740e-1f;
  p = p * r - 1.2420140846e-1f;
  p = p * r + 1.4249322787e-1f;
  p = p * r - 1.6668057665e-1f;
  p = p * r + 2.0000714765e-1f;
  p = p * r - 2.4999993993e-1f;
  p = p * r + 3.3333331174e-1f;
  // ln 2 split in two (0.693359375 exact in float, plus a small correction)
  // so that e * ln 2 keeps its precision.
  float y = p * r * r2 - 2.12194440e-4f * e - 0.5f * r2;
  const float ln = (r + y) + 0.693359375f * e;
  return ln * 4.342944819032518f;  // 10 / ln 10
}

}  // namespace

float fast_db(float x) { return db_inline(x); }

GENRE_DSP_HOT void power_to_db(float* values, std::size_t count, double top_db) {
  // Three simple passes rather than one: each vectorises on its own, the
  // fused loop (log plus max reduction) does not. (The max and clip loops
  // spell out their comparisons: GCC does not vectorise std::max on floats.)
  for (std::size_t i = 0; i < count; ++i) values[i] = db_inline(values[i]);
  float peak = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : peak)
  for (std::size_t i = 0; i < count; ++i) peak = values[i] > peak ? values[i] : peak;
  const float floor = peak - static_cast<float>(top_db);
  for (std::size_t i = 0; i < count; ++i) values[i] = values[i] > floor ? values[i] : floor;
}

}  // namespace genre::dsp
