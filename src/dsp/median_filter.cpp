#include "dsp/median_filter.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"

// The kernel is compiled for AVX-512, AVX2 and the x86-64 baseline; the loader
// picks the best the CPU has (the median is exact, so every clone gives the
// same numbers).
#if defined(__x86_64__) && defined(__GNUC__) && defined(__ELF__)
#define GENRE_MEDIAN_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define GENRE_MEDIAN_CLONES
#endif

namespace genre::dsp {

namespace {

// 16 lanes: one AVX-512 register, two AVX2 ones (two independent chains per
// step, and a whole 64-byte cache line of each row used at once).
constexpr std::size_t kLanes = 16;
constexpr std::size_t kPrefetchRows = 8;
// GCC/Clang vector extension, only used inside this file.
using V = float __attribute__((vector_size(kLanes * sizeof(float))));

// Window storage: a plain struct so std::vector honours the 64-byte
// alignment (attributes of a vector type are dropped as template arguments).
// Helpers take V by reference: passing wide vectors by value would differ
// between the clones' calling conventions.
struct alignas(64) Slot {
  V v;
};

// Lanes [0, n) of element row `row` (lane l at in[row * stride + l]); the
// missing lanes of a last, partial block read 0 and are never stored.
inline void load(const float* in, std::size_t stride, std::size_t row, std::size_t n, V& v) {
  if (n == kLanes) {
    std::memcpy(&v, in + row * stride, sizeof v);
    return;
  }
  v = V{};
  std::memcpy(&v, in + row * stride, n * sizeof(float));
}

inline void store(float* out, std::size_t stride, std::size_t row, std::size_t n, const V& v) {
  if (n == kLanes)
    std::memcpy(out + row * stride, &v, sizeof v);
  else
    std::memcpy(out + row * stride, &v, n * sizeof(float));
}

// Inserts x into the sorted lanes s[0, width) whose top entries are +inf
// (filling an empty window): new[j] = max(s[j-1], min(s[j], x)), top down so
// it runs in place.
inline void insert(Slot* s, std::size_t width, const V& x) {
  for (std::size_t j = width - 1; j > 0; --j) {
    const V m = s[j].v < x ? s[j].v : x;
    s[j].v = s[j - 1].v > m ? s[j - 1].v : m;
  }
  s[0].v = s[0].v < x ? s[0].v : x;
}

// Filters `lanes` independent sequences of `rows` values, element (r, l) at
// in[r * stride + l], out likewise. `src` maps padded row i to the row it
// reads (the reflection at both ends, precomputed).
GENRE_MEDIAN_CLONES void filter_lanes(const float* in, std::size_t stride, std::size_t rows, std::size_t lanes,
                                      std::size_t width, const std::size_t* src, Slot* s, float* out) {
  const std::size_t h = width / 2;
  const std::size_t last = rows + width - 2;  // the last entry of src
  constexpr float kInf = std::numeric_limits<float>::infinity();
  V inf;
  for (std::size_t l = 0; l < kLanes; ++l) inf[l] = kInf;
  for (std::size_t j = 0; j < width; ++j) s[j].v = inf;
  V gone, x;
  for (std::size_t i = 0; i < width; ++i) {
    load(in, stride, src[i], lanes, x);
    insert(s, width, x);
  }
  store(out, stride, 0, lanes, s[h].v);
  for (std::size_t r = 1; r < rows; ++r) {
    // Window of row r: padded rows [r, r + width); r - 1 leaves, r + width - 1 enters.
    load(in, stride, src[r - 1], lanes, gone);
    load(in, stride, src[r + width - 1], lanes, x);
    // Rows far apart (a whole track's spectrogram, down its columns) sit on
    // different pages, where hardware prefetchers stop: ask for rows ahead.
    __builtin_prefetch(in + src[std::min(r + width - 1 + kPrefetchRows, last)] * stride);
    __builtin_prefetch(out + std::min(r + kPrefetchRows, rows - 1) * stride, 1);
    // Delete `gone` (it is in the window: every entry from its first copy up
    // shifts down by one, d[j] = s[j] >= gone ? s[j+1] : s[j], d[width-1] =
    // +inf) and insert x (new[j] = max(d[j-1], min(d[j], x))), in one pass.
    V prev = -inf;
    for (std::size_t j = 0; j + 1 < width; ++j) {
      const V d = s[j].v >= gone ? s[j + 1].v : s[j].v;
      const V m = d < x ? d : x;
      s[j].v = prev > m ? prev : m;
      prev = d;
    }
    s[width - 1].v = prev > x ? prev : x;
    store(out, stride, r, lanes, s[h].v);
  }
}

struct Plan {
  std::vector<std::size_t> src;
  std::vector<Slot> window;
};

Plan make_plan(std::size_t rows, std::size_t width) {
  if (width % 2 == 0) throw UsageError("median filter width must be odd, got " + std::to_string(width));
  const std::size_t h = width / 2;
  Plan p;
  p.src.resize(rows + 2 * h);
  for (std::size_t i = 0; i < p.src.size(); ++i)
    p.src[i] = reflect_symmetric(static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(h), rows);
  p.window.resize(width);
  return p;
}

}  // namespace

std::size_t reflect_symmetric(std::ptrdiff_t p, std::size_t n) {
  const auto len = static_cast<std::ptrdiff_t>(n);
  if (p >= 0 && p < len) return static_cast<std::size_t>(p);
  std::ptrdiff_t q = p % (2 * len);
  if (q < 0) q += 2 * len;
  return static_cast<std::size_t>(q < len ? q : 2 * len - 1 - q);
}

void median_filter_columns(const float* in, std::size_t rows, std::size_t cols, std::size_t width, float* out) {
  Plan plan = make_plan(rows, width);
  if (rows == 0 || cols == 0) return;
  for (std::size_t c0 = 0; c0 < cols; c0 += kLanes)
    filter_lanes(in + c0, cols, rows, std::min(kLanes, cols - c0), width, plan.src.data(), plan.window.data(),
                 out + c0);
}

void median_filter_rows(const float* in, std::size_t rows, std::size_t cols, std::size_t width, float* out) {
  Plan plan = make_plan(cols, width);
  if (rows == 0 || cols == 0) return;
  // kLanes rows at a time, packed into a [cols][kLanes] panel (small enough
  // for L1/L2) so the lanes are contiguous, filtered, unpacked.
  std::vector<float> panel(cols * kLanes), result(cols * kLanes);
  for (std::size_t r0 = 0; r0 < rows; r0 += kLanes) {
    const std::size_t lanes = std::min(kLanes, rows - r0);
    for (std::size_t l = 0; l < lanes; ++l) {
      const float* row = in + (r0 + l) * cols;
      for (std::size_t c = 0; c < cols; ++c) panel[c * kLanes + l] = row[c];
    }
    filter_lanes(panel.data(), kLanes, cols, lanes, width, plan.src.data(), plan.window.data(), result.data());
    for (std::size_t l = 0; l < lanes; ++l) {
      float* row = out + (r0 + l) * cols;
      for (std::size_t c = 0; c < cols; ++c) row[c] = result[c * kLanes + l];
    }
  }
}

}  // namespace genre::dsp
