// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The analyzer's per-frame work, kept in plain loops over contiguous channels so they
// vectorise: gathering the layout's inputs, and the full-band second-order statistics.

#include <cstddef>

namespace cmr::detail {

/// Copies `frames` frames of the inputs listed in `map` (`used` of them, 0-based input
/// indices) from interleaved `in` (`input_count` floats per frame) to `out` (`stride` floats
/// per frame).
void gather_frames(const float* in, std::size_t input_count, const std::size_t* map,
                   std::size_t used, std::size_t frames, float* out, std::size_t stride);

/// copy_frames: the same when the used inputs are simply the first `used` inputs in order.
void copy_frames(const float* in, std::size_t input_count, std::size_t used, std::size_t frames,
                 float* out, std::size_t stride);

/// Replaces NaN and infinite samples in `frames` frames of `x` (`stride` floats per frame, a
/// multiple of 8) by 0 and returns how many there were. One vectorised pass when there are none.
std::size_t silence_non_finite(float* x, std::size_t frames, std::size_t stride);

/// Brings `frames` new frames into the analyzer in one pass over the source, run by run of
/// 64 frames while they are in L1: copies the inputs listed in `map` (`used` of them, 0-based
/// input indices; null when they are simply the first `used` inputs in order) from interleaved
/// `in` (`input_count` floats per frame) to `out` (`stride` floats per frame, a multiple of 8),
/// replaces NaN and infinite samples there by 0, and adds the statistics of the result as
/// accumulate_statistics() does (`channels` = `used`). Returns how many samples were replaced.
/// The figures are exactly those of gather_frames/copy_frames, silence_non_finite and
/// accumulate_statistics run one after the other over the whole block.
/// `frames_after`: how many more frames follow in the caller's buffer (they are fetched
/// ahead into the cache while this block is worked on; none is read).
std::size_t ingest_frames(const float* in, std::size_t input_count, const std::size_t* map,
                          std::size_t used, std::size_t frames, std::size_t frames_after,
                          float* out, std::size_t stride, std::size_t pairs, double* sum,
                          double* sumsq, double* cross);

/// Adds Σx and Σx² of each of `channels` channels, and Σ x[2p]·x[2p + 1] for each of
/// `pairs` pairs (hot and cold side by side), over `frames` frames of `x` (`stride` floats per
/// frame) to the double sums. Partial sums run in float over 64 frames at a time (error ~5e-7
/// relative), then in double. `stride` must be a multiple of 8.
void accumulate_statistics(const float* x, std::size_t frames, std::size_t stride,
                           std::size_t channels, std::size_t pairs, double* sum, double* sumsq,
                           double* cross);

/// Windows a mix of two signals for a zero-phase FFT: out[(i + length/2) mod length] =
/// w[i]·(wa·a[i] + wb·b[i]) for i < `length` (even), so the window's centre lands on index 0.
void window_mix(const float* a, const float* b, const float* w, std::size_t length, float wa,
                float wb, float* out);

/// window_mix() of the common mode (wa = wb = 0.5) into `common` and of the difference
/// (wa = 1, wb = -1) into `difference`, in one pass over `a`, `b` and `w`.
void window_pair(const float* a, const float* b, const float* w, std::size_t length, float* common,
                 float* difference);

/// Adds Σ d[i]², Σ c[i]² and Σ c[i]·d[i] over `count` floats to `dd`, `cc` and `dc`, in double.
/// Over interleaved complex spectra these are Σ|D|², Σ|C|² and Re Σ C·conj(D).
void spectrum_moments(const float* d, const float* c, std::size_t count, double& dd, double& cc,
                      double& dc);

} // namespace cmr::detail
