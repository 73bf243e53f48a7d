// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Analysis windows and their frequency responses.
//
// Spectra are computed "zero-phase": the window's centre sits at FFT index 0, so a stationary
// sinusoid shows at any bin of its main lobe with the phase it has at the window centre. The
// response table lets the harmonic estimator correct amplitudes for where a frequency falls
// between bins.

#include <cstddef>
#include <vector>

namespace cmr::detail {

/// Modified Bessel function of the first kind, order 0.
double bessel_i0(double x);
/// Periodic (DFT-even) Kaiser window of even length n.
std::vector<float> kaiser_window(std::size_t n, double beta);
/// Periodic 4-term Blackman-Harris window (-92 dB side lobes) of even length n.
std::vector<float> blackman_harris_window(std::size_t n);

/// A window together with the figures the estimators need.
class Window {
public:
    /// @param samples the window; @param mainlobe_bins half-width of its main lobe in bins.
    Window(std::vector<float> samples, double mainlobe_bins);

    [[nodiscard]] const std::vector<float>& samples() const { return samples_; }
    [[nodiscard]] std::size_t size() const { return samples_.size(); }
    [[nodiscard]] double sum() const { return sum_; }
    [[nodiscard]] double sum_squares() const { return sum_sq_; }
    /// Equivalent noise bandwidth in bins: N·Σw²/(Σw)².
    [[nodiscard]] double enbw_bins() const;
    /// Half-width of the main lobe in bins; bins closer than this to a line carry the line.
    [[nodiscard]] double mainlobe_bins() const { return mainlobe_bins_; }
    /// Zero-phase response at an offset of @p bins from a line, normalised to 1 at 0.
    [[nodiscard]] double response(double bins) const;

private:
    std::vector<float> samples_;
    double sum_ = 0.0;
    double sum_sq_ = 0.0;
    double mainlobe_bins_;
    std::vector<double> table_; // response at offsets -table_span_..+table_span_ bins
    static constexpr int table_oversample = 64;
    static constexpr double table_span = 3.0;
};

} // namespace cmr::detail
