// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// CMR_HOT_LOOP marks the few per-sample loops worth compiling twice on x86-64: for the
// baseline ISA and for x86-64-v3 (AVX2 + FMA), picked at load time by the dynamic linker
// (GCC function multi-versioning). Distributions build for the baseline, and these loops are
// where analysing recordings at >1000x real time is decided.
// Not under ThreadSanitizer: the dynamic linker runs the clones' (instrumented) resolver while
// relocating libcmr, before the TSan runtime is initialised, and every program crashes at load.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define CMR_HOT_LOOP __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CMR_HOT_LOOP
#endif

#include <cstring>

// The helpers below pass 32-byte vectors by value; they are inline and never cross a library
// boundary, so the baseline-vs-AVX calling convention GCC warns about cannot matter.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace cmr::detail {

/// Eight floats as one value (GCC/Clang vector extension): one AVX register where available,
/// two SSE registers otherwise. The analyzer's channel strides are multiples of 8.
typedef float float8 __attribute__((vector_size(32)));

[[gnu::always_inline]] inline float8 load8(const float* p)
{
    float8 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

[[gnu::always_inline]] inline void store8(float* p, float8 v)
{
    std::memcpy(p, &v, sizeof v);
}

} // namespace cmr::detail
