// SPDX-License-Identifier: GPL-2.0-or-later
#include "decimator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>
#include <stdexcept>

#include "simd.hpp"
#include "window.hpp"

namespace cmr::detail {
namespace {

// Kaiser's formulas for a windowed-sinc design: beta from the rejection, length from the
// rejection and the transition width (as a fraction of the sample rate).
double kaiser_beta(double rejection_db)
{
    return rejection_db > 50.0
               ? 0.1102 * (rejection_db - 8.7)
               : 0.5842 * std::pow(rejection_db - 21.0, 0.4) + 0.07886 * (rejection_db - 21.0);
}

std::size_t halfband_length(double transition, double rejection_db)
{
    const double n = (rejection_db - 7.95) / (2.285 * 2.0 * std::numbers::pi * transition) + 1.0;
    // Half-band lengths are 4m+3 so that the outermost taps are non-zero.
    auto m = static_cast<std::size_t>(std::ceil((n - 3.0) / 4.0));
    return 4 * std::max<std::size_t>(m, 1) + 3;
}

} // namespace

HalfbandStage::HalfbandStage(std::size_t stride, double rate_in, double passband_hz,
                             double rejection_db)
    : stride_(stride)
{
    const double stopband_hz = rate_in / 2.0 - passband_hz;
    if (stopband_hz <= passband_hz)
        throw std::invalid_argument("half-band stage: pass band too wide for the rate");
    const double transition = (stopband_hz - passband_hz) / rate_in;
    taps_ = halfband_length(transition, rejection_db);
    if ((taps_ + 1) / 4 > max_pairs)
        throw std::invalid_argument("half-band stage: transition band too narrow");
    const double beta = kaiser_beta(rejection_db);
    const auto half = static_cast<double>(taps_ - 1) / 2.0;
    const double i0 = bessel_i0(beta);
    for (std::size_t j = 1; j <= (taps_ - 1) / 2; j += 2) {
        const double x = static_cast<double>(j) / half;
        const double kaiser = bessel_i0(beta * std::sqrt(1.0 - x * x)) / i0;
        const double sinc = std::sin(std::numbers::pi * j / 2.0) / (std::numbers::pi * j);
        coeffs_.push_back(static_cast<float>(sinc * kaiser));
    }
    // Unity gain at DC (0.5 + 2·Σc = 1) to float precision: the analyzer subtracts band
    // power from full-band power, so hum must pass with exactly its own level.
    double sum = 0.0;
    for (float c : coeffs_)
        sum += static_cast<double>(c);
    for (float& c : coeffs_)
        c = static_cast<float>(static_cast<double>(c) * 0.25 / sum);
    history_.assign((taps_ - 1 + max_block) * stride_, 0.0F);
}

namespace {

// One stage's outputs. With the number of coefficient pairs known at compile time (the common
// stages have 3 to 8) the tap loop unrolls completely and coefficients stay in registers;
// `Pairs == 0` is the general case. `Chunks` is the stride in 8-channel vectors when known
// (1: up to 8 inputs, the everyday interface), or 0.
template <std::size_t Pairs, std::size_t Chunks>
[[gnu::always_inline]] inline std::size_t
run_stage(const float* history, std::size_t first, std::size_t total, std::size_t centre,
          std::size_t stride, const float* coeffs, std::size_t pairs, float* out)
{
    std::array<float, HalfbandStage::max_pairs> c{};
    std::copy(coeffs, coeffs + pairs, c.begin());
    const std::size_t n = Pairs == 0 ? pairs : Pairs;
    const std::size_t chunks = Chunks == 0 ? stride / 8 : Chunks;
    std::size_t produced = 0;
    for (std::size_t end = first; end < total; end += 2) {
        const float* mid = history + (end - centre) * stride;
        float* y = out + produced * stride;
        for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
            const float* m = mid + 8 * chunk;
            // Two accumulators: one would make every tap wait for the previous add.
            float8 even = 0.5F * load8(m), odd = {};
            std::size_t p = 0;
#pragma GCC unroll 8
            for (; p + 2 <= n; p += 2) {
                const std::size_t off0 = (2 * p + 1) * stride, off1 = (2 * p + 3) * stride;
                even += c[p] * (load8(m - off0) + load8(m + off0));
                odd += c[p + 1] * (load8(m - off1) + load8(m + off1));
            }
            if (p < n) {
                const std::size_t off = (2 * p + 1) * stride;
                even += c[p] * (load8(m - off) + load8(m + off));
            }
            store8(y + 8 * chunk, even + odd);
        }
        ++produced;
    }
    return produced;
}

template <std::size_t Chunks>
[[gnu::always_inline]] inline std::size_t
run_stage_for(std::size_t pairs, const float* h, std::size_t first, std::size_t total,
              std::size_t centre, std::size_t stride, const float* c, float* out)
{
    switch (pairs) {
    case 3:
        return run_stage<3, Chunks>(h, first, total, centre, stride, c, pairs, out);
    case 4:
        return run_stage<4, Chunks>(h, first, total, centre, stride, c, pairs, out);
    case 5:
        return run_stage<5, Chunks>(h, first, total, centre, stride, c, pairs, out);
    case 6:
        return run_stage<6, Chunks>(h, first, total, centre, stride, c, pairs, out);
    case 7:
        return run_stage<7, Chunks>(h, first, total, centre, stride, c, pairs, out);
    case 8:
        return run_stage<8, Chunks>(h, first, total, centre, stride, c, pairs, out);
    default:
        return run_stage<0, Chunks>(h, first, total, centre, stride, c, pairs, out);
    }
}

} // namespace

CMR_HOT_LOOP
std::size_t HalfbandStage::process(std::size_t frames, float* out)
{
    const std::size_t hist = taps_ - 1;
    const std::size_t centre = hist / 2;
    const std::size_t total = hist + frames;
    // An output is due at every even input frame; frame index i in history_ is input frame
    // (i - hist) of this call.
    const std::size_t first = hist + (odd_phase_ ? 1 : 0);
    const std::size_t pairs = coeffs_.size();
    const float* h = history_.data();
    const float* c = coeffs_.data();
    const std::size_t produced =
        stride_ == 8 ? run_stage_for<1>(pairs, h, first, total, centre, stride_, c, out)
                     : run_stage_for<0>(pairs, h, first, total, centre, stride_, c, out);
    if (frames % 2 != 0)
        odd_phase_ = !odd_phase_;
    std::memmove(history_.data(), history_.data() + frames * stride_,
                 hist * stride_ * sizeof(float));
    return produced;
}

Decimator::Decimator(std::size_t channels, double rate, double passband_hz)
    : channels_(channels), stride_((channels + 7) / 8 * 8), output_rate_(rate)
{
    if (channels == 0)
        throw std::invalid_argument("decimator: no channels");
    // Add halving stages while the halved rate still leaves room for the pass band and a
    // transition band: the last stage is the sharpest and sets the cost.
    while (output_rate_ / 2.0 >= 2.25 * passband_hz) {
        stages_.emplace_back(stride_, output_rate_, passband_hz, 100.0);
        delay_ += (stages_.back().taps() - 1) / 2 * factor_;
        output_rate_ /= 2.0;
        factor_ *= 2;
    }
    output_.assign(HalfbandStage::max_block * stride_, 0.0F);
}

float* Decimator::input_buffer()
{
    return stages_.empty() ? output_.data() : stages_.front().input_area();
}

std::span<const float> Decimator::process(std::size_t frames)
{
    if (frames > HalfbandStage::max_block)
        throw std::invalid_argument("decimator: block too large");
    std::size_t n = frames;
    for (std::size_t s = 0; s < stages_.size(); ++s)
        n = stages_[s].process(n, s + 1 < stages_.size() ? stages_[s + 1].input_area()
                                                         : output_.data());
    return {output_.data(), n * stride_};
}

} // namespace cmr::detail
