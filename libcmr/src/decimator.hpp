// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Multi-channel decimation down to the hum band.
//
// Hum lives below K x 65 Hz (1.3 kHz for K = 20), so the analysis runs on signals decimated
// to a few kHz: a cascade of half-band FIR stages (every other tap is zero), each halving the
// rate, designed at construction for a pass band of `passband_hz` and ~100 dB rejection of
// everything that would alias into it. Channels are interleaved and padded to a multiple of
// 8 so the inner loops vectorise across channels.

#include <cstddef>
#include <span>
#include <vector>

#include "aligned_allocator.hpp"

namespace cmr::detail {

/// One half-band decimate-by-2 stage over interleaved, padded channels.
class HalfbandStage {
public:
    HalfbandStage(std::size_t stride, double rate_in, double passband_hz, double rejection_db);

    /// Where the next block of input frames goes (up to max_block frames): right after the
    /// filter history, so no copy is needed.
    [[nodiscard]] float* input_area() { return history_.data() + (taps_ - 1) * stride_; }
    /// Consumes @p frames frames already written to input_area(), writes the produced output
    /// frames to @p out (which may be the next stage's input_area()) and returns how many.
    std::size_t process(std::size_t frames, float* out);
    [[nodiscard]] std::size_t taps() const { return taps_; }
    [[nodiscard]] const std::vector<float>& odd_coefficients() const { return coeffs_; }

    /// Largest block process() accepts.
    static constexpr std::size_t max_block = 1024;
    /// Most coefficient pairs a stage may have (the sharpest stage, 2.25x oversampled at
    /// 100 dB, needs 25).
    static constexpr std::size_t max_pairs = 64;

private:
    std::size_t stride_;        // floats per frame (padded channel count)
    std::size_t taps_;          // full FIR length (4m+3)
    std::vector<float> coeffs_; // coefficients at odd offsets 1,3,5... from the centre
    std::vector<float, AlignedAllocator<float>> history_; // (taps-1 + max_block) frames
    bool odd_phase_ = false; // whether the next input frame is an odd one
};

/// The whole cascade.
class Decimator {
public:
    /// @param channels channels per frame; @param rate input sample rate;
    /// @param passband_hz highest frequency to keep; the output rate is the lowest power-of-two
    /// division of @p rate that keeps 2.25 x passband_hz.
    Decimator(std::size_t channels, double rate, double passband_hz);

    [[nodiscard]] std::size_t factor() const { return factor_; }
    [[nodiscard]] double output_rate() const { return output_rate_; }
    [[nodiscard]] std::size_t channels() const { return channels_; }
    /// Floats per frame in the padded layout used by input_buffer() and process() output.
    [[nodiscard]] std::size_t stride() const { return stride_; }
    [[nodiscard]] std::size_t stage_count() const { return stages_.size(); }
    /// Group delay of the whole cascade in input frames.
    [[nodiscard]] std::size_t delay() const { return delay_; }

    /// Buffer the caller fills with up to HalfbandStage::max_block padded frames.
    [[nodiscard]] float* input_buffer();
    /// Decimates @p frames frames from input_buffer(); returns the output frames, valid
    /// until the next call (padded, stride() floats per frame).
    std::span<const float> process(std::size_t frames);

private:
    std::size_t channels_;
    std::size_t stride_;
    std::size_t factor_ = 1;
    double output_rate_;
    std::size_t delay_ = 0;
    std::vector<HalfbandStage> stages_;
    // The last stage's output (or the input, without stages).
    std::vector<float, AlignedAllocator<float>> output_;
};

} // namespace cmr::detail
