// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmrr_estimator.hpp"

#include <algorithm>
#include <cmath>

namespace cmr::detail {
namespace {
constexpr double z = 3.0;                 // confidence for bounds
constexpr double measured_width_db = 4.0; // CI narrower than this: "measured"
constexpr double c_clear_snr = 10.0;      // C harmonic must stand 10 dB over its floor
constexpr double min_steps = 3.0;         // windows of evidence before saying anything
} // namespace

CmrrEstimator::CmrrEstimator(int harmonics, double overlap_factor, double forgetting)
    : sums_(static_cast<std::size_t>(harmonics) + 1), overlap_(std::max(1.0, overlap_factor)),
      forgetting_(forgetting)
{}

void CmrrEstimator::reset()
{
    std::fill(sums_.begin(), sums_.end(), Sums{});
}

void CmrrEstimator::add(int k, const LineEstimate& d, const LineEstimate& c_ref, double beta)
{
    if (k <= 0 || static_cast<std::size_t>(k) >= sums_.size() || !d.valid() || !c_ref.valid())
        return;
    if (c_ref.snr() < c_clear_snr || d.noise_var <= 0.0)
        return;
    Sums& s = sums_[static_cast<std::size_t>(k)];
    const double w = 1.0 / d.noise_var;
    s.dc += w * d.amplitude * std::conj(c_ref.amplitude);
    const double wcc = w * c_ref.power();
    s.cc += wcc;
    s.c_power += std::max(0.0, c_ref.power() - c_ref.noise_var);
    s.steps += 1.0;
    s.beta_w += wcc * beta;
    s.windows += 1.0;
}

void CmrrEstimator::end_step()
{
    if (forgetting_ >= 1.0)
        return;
    for (Sums& s : sums_) {
        s.dc *= forgetting_;
        s.cc *= forgetting_;
        s.c_power *= forgetting_;
        s.steps *= forgetting_;
        s.beta_w *= forgetting_;
    }
}

CmrrFigure CmrrEstimator::figure() const
{
    double c_total = 0.0, d_est = 0.0, d_upper = 0.0, d_lower = 0.0;
    for (const Sums& s : sums_) {
        if (s.windows < min_steps || s.cc <= 0.0)
            continue;
        // g' was measured against C - beta·D; undo that so g refers to C itself.
        const std::complex<double> g_ref = s.dc / s.cc;
        const double beta = s.beta_w / s.cc;
        const std::complex<double> g = g_ref / (1.0 + beta * g_ref);
        const double sigma = std::sqrt(overlap_ / s.cc);
        const double c_power = s.c_power / s.steps;
        const double mag = std::abs(g);
        c_total += c_power;
        d_est += std::max(0.0, mag * mag - sigma * sigma) * c_power;
        d_upper += (mag + z * sigma) * (mag + z * sigma) * c_power;
        const double lower = std::max(0.0, mag - z * sigma);
        d_lower += lower * lower * c_power;
    }
    CmrrFigure f;
    if (c_total <= 0.0 || d_upper <= 0.0)
        return f;
    if (d_lower > 0.0 && d_est > 0.0 && 10.0 * std::log10(d_upper / d_lower) <= measured_width_db) {
        // D carrying more mains-locked hum than C cannot be C converted by the link: it is
        // differential pickup (or a fault upstream), and the figure would be no CMRR at all.
        // The hum alarm speaks for it; CMRR stays unknown.
        if (d_est >= c_total)
            return f;
        f.kind = CmrrKind::measured;
        f.db = 10.0 * std::log10(c_total / d_est);
    } else {
        // A bound at or below 0 dB says nothing a link could not do.
        if (d_upper >= c_total)
            return f;
        f.kind = CmrrKind::lower_bound;
        f.db = 10.0 * std::log10(c_total / d_upper);
    }
    return f;
}

} // namespace cmr::detail
