// SPDX-License-Identifier: GPL-2.0-or-later
#include "block_kernels.hpp"

#include <algorithm>
#include <array>
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

namespace {

constexpr std::size_t statistics_run = 64;

/// The statistics of one run of at most statistics_run frames, added to the double sums.
/// Returns the lanes' sum of v - v: 0 when every sample is finite, NaN otherwise.
[[gnu::always_inline]] inline float8 run_statistics(const float* x, std::size_t frames,
                                                    std::size_t stride, std::size_t channels,
                                                    std::size_t pairs, double* sum, double* sumsq,
                                                    double* cross)
{
    // Swapping neighbours puts each pair's cold leg under its hot leg: lane 2p of v·swap(v)
    // is hot·cold of pair p (pairs occupy whole lane pairs, never straddling a vector).
    typedef int int8 __attribute__((vector_size(32)));
    [[maybe_unused]] const int8 swap = {1, 0, 3, 2, 5, 4, 7, 6};
    const std::size_t pair_lanes = 2 * pairs;
    float8 poison = {};
    for (std::size_t c0 = 0; c0 < stride; c0 += 8) {
        float8 s = {}, q = {}, c = {};
        if (c0 < pair_lanes) {
            for (std::size_t f = 0; f < frames; ++f) {
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
            for (std::size_t f = 0; f < frames; ++f) {
                const float8 v = load8(x + f * stride + c0);
                s += v;
                q += v * v;
            }
        }
        // Σv - Σv is NaN exactly when a sample was NaN or infinite (or the sum overflowed,
        // which full-scale audio cannot do over a run).
        poison += s - s; // NOLINT(misc-redundant-expression): the point is NaN - NaN
        for (std::size_t k = 0; k < 8 && c0 + k < channels; ++k) {
            sum[c0 + k] += static_cast<double>(s[k]);
            sumsq[c0 + k] += static_cast<double>(q[k]);
        }
    }
    return poison;
}

bool finite_lanes(float8 poison)
{
    bool clean = true;
    for (std::size_t k = 0; k < 8; ++k)
        clean = clean && poison[k] == 0.0F;
    return clean;
}

} // namespace

CMR_HOT_LOOP
std::size_t ingest_frames(const float* in, std::size_t input_count, const std::size_t* map,
                          std::size_t used, std::size_t frames, std::size_t frames_after,
                          float* out, std::size_t stride, std::size_t pairs, double* sum,
                          double* sumsq, double* cross)
{
    // A long recording streams through here from memory once; asking for the source a few
    // kilobytes ahead into L2 (prefetcht2: not L1, which holds the run being worked on) hides
    // most of the memory latency the hardware prefetcher leaves (-10% on a whole analysis of
    // a 300 s 8-input file). The hint is harmless for data already in cache.
    constexpr std::size_t prefetch_distance = 8192; // bytes
    constexpr std::size_t line = 64;
    const char* const source_end =
        reinterpret_cast<const char*>(in + (frames + frames_after) * input_count);
    std::size_t repaired = 0;
    for (std::size_t f0 = 0; f0 < frames; f0 += statistics_run) {
        const std::size_t n = std::min(frames - f0, statistics_run);
        const float* src = in + f0 * input_count;
        float* dst = out + f0 * stride;
        const char* ahead = reinterpret_cast<const char*>(src) + prefetch_distance;
        const char* ahead_end = std::min(ahead + n * input_count * sizeof(float), source_end);
        for (; ahead < ahead_end; ahead += line)
            __builtin_prefetch(ahead, 0, 1);
        if (map != nullptr) {
            gather_frames(src, input_count, map, used, n, dst, stride);
        } else if (input_count == 8 && used == 8 && stride == 8) { // the common 8-input interface
            for (std::size_t f = 0; f < n; ++f)
                store8(dst + 8 * f, load8(src + 8 * f));
        } else {
            copy_frames(src, input_count, used, n, dst, stride);
        }
        // Statistics go to scratch sums first: a run holding a NaN or infinity must be counted
        // after its repair, and the live sums must not see it.
        std::array<double, std::size_t{3} * 8> scratch{};
        if (stride == 8) {
            const float8 poison = run_statistics(dst, n, stride, used, pairs, scratch.data(),
                                                 scratch.data() + 8, scratch.data() + 16);
            if (finite_lanes(poison)) {
                for (std::size_t k = 0; k < used; ++k) {
                    sum[k] += scratch[k];
                    sumsq[k] += scratch[8 + k];
                }
                for (std::size_t p = 0; p < pairs; ++p)
                    cross[p] += scratch[16 + p];
                continue;
            }
        }
        repaired += silence_non_finite(dst, n, stride);
        (void)run_statistics(dst, n, stride, used, pairs, sum, sumsq, cross);
    }
    return repaired;
}

CMR_HOT_LOOP
void accumulate_statistics(const float* x, std::size_t frames, std::size_t stride,
                           std::size_t channels, std::size_t pairs, double* sum, double* sumsq,
                           double* cross)
{
    for (std::size_t f0 = 0; f0 < frames; f0 += statistics_run)
        (void)run_statistics(x + f0 * stride, std::min(frames - f0, statistics_run), stride,
                             channels, pairs, sum, sumsq, cross);
}

CMR_HOT_LOOP
void window_mix(const float* a, const float* b, const float* w, std::size_t length, float wa,
                float wb, float* out)
{
    const std::size_t half = length / 2;
    for (std::size_t i = 0; i < half; ++i)
        out[i + half] = w[i] * (wa * a[i] + wb * b[i]);
    for (std::size_t i = half; i < length; ++i)
        out[i - half] = w[i] * (wa * a[i] + wb * b[i]);
}

CMR_HOT_LOOP
void window_pair(const float* a, const float* b, const float* w, std::size_t length, float* common,
                 float* difference)
{
    const std::size_t half = length / 2;
    for (std::size_t i = 0; i < half; ++i) {
        common[i + half] = w[i] * (0.5F * a[i] + 0.5F * b[i]);
        difference[i + half] = w[i] * (a[i] - b[i]);
    }
    for (std::size_t i = half; i < length; ++i) {
        common[i - half] = w[i] * (0.5F * a[i] + 0.5F * b[i]);
        difference[i - half] = w[i] * (a[i] - b[i]);
    }
}

CMR_HOT_LOOP
void spectrum_moments(const float* d, const float* c, std::size_t count, double& dd, double& cc,
                      double& dc)
{
    // Four lanes of double per quantity; the order of the additions differs from a plain
    // loop only at double precision.
    typedef double double4 __attribute__((vector_size(32)));
    typedef float float4 __attribute__((vector_size(16)));
    double4 sdd = {}, scc = {}, sdc = {};
    std::size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        float4 df, cf;
        std::memcpy(&df, d + i, sizeof df);
        std::memcpy(&cf, c + i, sizeof cf);
        const double4 dv = __builtin_convertvector(df, double4);
        const double4 cv = __builtin_convertvector(cf, double4);
        sdd += dv * dv;
        scc += cv * cv;
        sdc += cv * dv;
    }
    double tdd = 0.0, tcc = 0.0, tdc = 0.0;
    for (; i < count; ++i) {
        const auto dv = static_cast<double>(d[i]), cv = static_cast<double>(c[i]);
        tdd += dv * dv;
        tcc += cv * cv;
        tdc += cv * dv;
    }
    dd += (sdd[0] + sdd[1]) + (sdd[2] + sdd[3]) + tdd;
    cc += (scc[0] + scc[1]) + (scc[2] + scc[3]) + tcc;
    dc += (sdc[0] + sdc[1]) + (sdc[2] + sdc[3]) + tdc;
}

} // namespace cmr::detail
