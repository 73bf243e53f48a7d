// SPDX-License-Identifier: GPL-2.0-or-later
#include "block_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "simd.hpp"

namespace cmr::detail {

CMR_HOT_LOOP
void gather_frames(const float* in, std::size_t input_count, const std::size_t* map,
                   std::size_t used, std::size_t frames, float* out, std::size_t stride)
{
    for (std::size_t f = 0; f < frames; ++f) {
        const float* src = in + f * input_count;
        float* dst = out + f * stride;
        for (std::size_t u = 0; u < used; ++u)
            dst[u] = src[map[u]];
    }
}

void copy_frames(const float* in, std::size_t input_count, std::size_t used, std::size_t frames,
                 float* out, std::size_t stride)
{
    if (input_count == stride && used == input_count) {
        std::memcpy(out, in, frames * stride * sizeof(float));
        return;
    }
    for (std::size_t f = 0; f < frames; ++f)
        std::memcpy(out + f * stride, in + f * input_count, used * sizeof(float));
}

CMR_HOT_LOOP
std::size_t silence_non_finite(float* x, std::size_t frames, std::size_t stride)
{
    // v - v is 0 for every finite float and NaN for NaN and ±inf, so one sum tells.
    float8 poison = {};
    const std::size_t n = frames * stride;
    for (std::size_t i = 0; i < n; i += 8) {
        const float8 v = load8(x + i);
        poison += v - v; // NOLINT(misc-redundant-expression): the point is NaN - NaN
    }
    bool clean = true;
    for (std::size_t k = 0; k < 8; ++k)
        clean = clean && poison[k] == 0.0F;
    if (clean)
        return 0;
    std::size_t repaired = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(x[i])) {
            x[i] = 0.0F;
            ++repaired;
        }
    return repaired;
}

CMR_HOT_LOOP
void accumulate_statistics(const float* x, std::size_t frames, std::size_t stride,
                           std::size_t channels, std::size_t pairs, double* sum, double* sumsq,
                           double* cross)
{
    constexpr std::size_t run = 64;
    // Swapping neighbours puts each pair's cold leg under its hot leg: lane 2p of v·swap(v)
    // is hot·cold of pair p (pairs occupy whole lane pairs, never straddling a vector).
    typedef int int8 __attribute__((vector_size(32)));
    [[maybe_unused]] const int8 swap = {1, 0, 3, 2, 5, 4, 7, 6};
    const std::size_t pair_lanes = 2 * pairs;
    for (std::size_t f0 = 0; f0 < frames; f0 += run) {
        const std::size_t f1 = std::min(frames, f0 + run);
        for (std::size_t c0 = 0; c0 < stride; c0 += 8) {
            float8 s = {}, q = {}, c = {};
            if (c0 < pair_lanes) {
                for (std::size_t f = f0; f < f1; ++f) {
                    const float8 v = load8(x + f * stride + c0);
                    s += v;
                    q += v * v;
#if defined(__clang__)
                    c += v * __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6);
#else
                    c += v * __builtin_shuffle(v, swap);
#endif
                }
                for (std::size_t k = 0; k < 8 && c0 + k < pair_lanes; k += 2)
                    cross[(c0 + k) / 2] += static_cast<double>(c[k]);
            } else {
                for (std::size_t f = f0; f < f1; ++f) {
                    const float8 v = load8(x + f * stride + c0);
                    s += v;
                    q += v * v;
                }
            }
            for (std::size_t k = 0; k < 8 && c0 + k < channels; ++k) {
                sum[c0 + k] += static_cast<double>(s[k]);
                sumsq[c0 + k] += static_cast<double>(q[k]);
            }
        }
    }
}

} // namespace cmr::detail
