#pragma once
// Decibels: librosa.power_to_db with ref=1.0, amin=1e-10 and top_db, applied
// to a whole segment's [frames][bands] array at once (top_db clips against the
// maximum of the whole array, as librosa does on its 2-D input).
#include <cstddef>

namespace genre::dsp {

constexpr float kPowerToDbAmin = 1e-10f;

// In place: v = 10 log10(max(amin, v)), then v = max(v, max_all(v) - top_db).
// Values must be finite (NaN or inf give meaningless decibels, not NaN).
// top_db >= 0; infinity disables the clipping (librosa's top_db=None). The
// logarithm is a vectorisable polynomial (Cephes' logf): within 2e-5 dB of the
// exact value between -100 and +100 dB (a few float32 ulps anywhere), and
// about 4x faster than std::log10 per value.
void power_to_db(float* values, std::size_t count, double top_db);

// 10 log10(max(amin, x)) for a finite x: one element of power_to_db before
// the top_db clipping.
float fast_db(float x);

}  // namespace genre::dsp
