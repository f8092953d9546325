#pragma once
// GENRE_DSP_HOT marks the few per-frame loops worth compiling twice: for AVX2
// and for the x86-64 baseline (SSE2). The dynamic loader picks the clone the
// CPU supports (function multiversioning through an ifunc), so a portable
// build runs AVX2 code where it exists without -march flags. Clones may round
// differently (vector reductions sum in a different order), so features can
// differ between CPU types in the last float bits. Internal to src/dsp.
// GCC only: clang 14 cannot clone function templates (feature_table.cpp's
// mean_var), so a clang build (tests/fuzz) compiles the baseline alone.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
#define GENRE_DSP_HOT __attribute__((target_clones("avx2", "default")))
#else
#define GENRE_DSP_HOT
#endif
