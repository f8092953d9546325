#pragma once
// Exact running median along one axis, with scipy.ndimage's 'reflect' edges:
// what librosa.decompose.hpss runs on a magnitude spectrogram, twice (31
// frames along time, 31 bins along frequency).
//
// Why a sorted window per lane: scipy re-selects each window from scratch;
// here each output costs one delete and one insert in a sorted window of
// `width` values. Both are done together in one branch-free pass of min/max/
// select over the window (no search, no data-dependent jumps), on 8 columns
// at once (16 lanes: one AVX-512 register, two AVX2 ones), so a 31-wide
// median costs about 31 vector steps for 16 outputs (~3 ns per output here). The result is the exact median
// (an order statistic: ties and float rounding do not enter).
#include <cstddef>

namespace genre::dsp {

// scipy.ndimage 'reflect' (numpy 'symmetric'): ... c b a | a b c ... | c b a ...
// The index in [0, n) that position p (any integer) reads. n >= 1.
std::size_t reflect_symmetric(std::ptrdiff_t p, std::size_t n);

// out[r][c] = median of in[r - h .. r + h][c] (h = width / 2, rows outside
// [0, rows) read through reflect_symmetric) for a row-major [rows][cols]
// array: scipy.ndimage.median_filter(in, size=(width, 1), mode="reflect").
// Values must not be NaN. Throws genre::UsageError unless width is odd.
void median_filter_columns(const float* in, std::size_t rows, std::size_t cols, std::size_t width, float* out);

// The same along the rows: out[r][c] = median of in[r][c - h .. c + h]
// (scipy size=(1, width)). Works on blocks of rows packed into a small
// transposed panel, so no whole-array transpose is needed.
void median_filter_rows(const float* in, std::size_t rows, std::size_t cols, std::size_t width, float* out);

}  // namespace genre::dsp
