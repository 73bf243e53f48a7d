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

/// Adds Σx and Σx² of each of `channels` channels, and Σ x[2p]·x[2p + 1] for each of
/// `pairs` pairs (hot and cold side by side), over `frames` frames of `x` (`stride` floats per
/// frame) to the double sums. Partial sums run in float over 64 frames at a time (error ~5e-7
/// relative), then in double. `stride` must be a multiple of 8.
void accumulate_statistics(const float* x, std::size_t frames, std::size_t stride,
                           std::size_t channels, std::size_t pairs, double* sum, double* sumsq,
                           double* cross);

} // namespace cmr::detail
