// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// In-place CMRR from the hum itself.
//
// Per harmonic k the link converts common-mode hum C_k into differential hum g_k·C_k. g_k is
// estimated from cross-spectra over many analysis windows, each window weighted by the inverse
// of the noise (programme, floor) D has near that harmonic -- so quiet passages, which carry
// most of the information, dominate:
//     g_k = Σ w D_k C_k* / Σ w |C_k|²,   var(g_k) = r / Σ w |C_k|²,   w = 1 / var(D_k),
// with r the overlap factor of the windows (overlapping windows are not independent).
// Combined over harmonics, CMRR = 10·log10(Σ|C_k|² / Σ|g_k|²|C_k|²). A confidence interval at
// z = 3 decides what is reported: `measured` when it is narrow, otherwise `lower_bound` (the
// upper confidence limit of the coherent D hum), or `none` when no common-mode hum stands
// clear of the floor. Never a figure more flattering than the data supports.

#include <complex>
#include <optional>
#include <vector>

#include "cmr/measurement.hpp"

#include "harmonic_analysis.hpp"

namespace cmr::detail {

struct CmrrFigure {
    CmrrKind kind = CmrrKind::none;
    std::optional<double> db;
};

class CmrrEstimator {
public:
    /// @param harmonics K; @param overlap_factor r (≥ 1);
    /// @param forgetting per-step weight decay (1 = keep everything, for whole recordings).
    CmrrEstimator(int harmonics, double overlap_factor, double forgetting);

    /// Adds one window's estimates of harmonic k (1-based) on D and on the programme-free
    /// common-mode reference, and beta (how much D was subtracted from C to form that
    /// reference; see the analyzer). No allocation.
    void add(int k, const LineEstimate& d, const LineEstimate& c_ref, double beta);
    /// Ends a step: applies forgetting.
    void end_step();
    [[nodiscard]] CmrrFigure figure() const;
    void reset();

private:
    struct Sums {
        std::complex<double> dc{}; // Σ w D C*
        double cc = 0.0;           // Σ w |C|²
        double c_power = 0.0;      // Σ |C|² - var(C)   (hum power of C)
        double steps = 0.0;        // Σ 1
        double beta_w = 0.0;       // Σ w|C|² beta
        double windows = 0.0;      // windows of evidence, never forgotten
    };
    std::vector<Sums> sums_;
    double overlap_;
    double forgetting_;
};

} // namespace cmr::detail
