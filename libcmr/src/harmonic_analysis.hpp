// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Reading hum harmonics out of one zero-phase windowed spectrum.
//
// For a line at frequency f the estimator reads the bin nearest to f and corrects it by the
// window's response at the fractional offset, giving the line's complex amplitude (its phase
// at the window centre). The noise it competes with comes from the local floor: the median
// of 8-bin mean powers on either side of the line, outside its main lobe (a median ignores a
// neighbouring tone, such as a bass note, that a mean would take for floor).
//
// A line must also have the right shape: the main-lobe bins are fitted with the window's
// response centred on the frequency, and what the fit leaves must be explainable by the floor.
// A tone a hertz away, or a transient's splatter, leaves a large misfit however strong it is.

#include <complex>
#include <cstddef>
#include <span>

#include "window.hpp"

namespace cmr::detail {

/// One harmonic's estimate from one spectrum.
struct LineEstimate {
    std::complex<double> amplitude; ///< peak amplitude and phase at the window centre
    double noise_var = 0.0;         ///< variance of `amplitude` from the local floor
    int bin = -1;                   ///< bin the estimate was read from; -1 if out of band
    /// Whether the bins around look like one stationary line at exactly the frequency asked
    /// for (the window's main-lobe shape), rather than a neighbouring tone's skirt or the
    /// broadband splatter of a transient (a bass note's attack).
    bool line_shape = true;
    [[nodiscard]] bool valid() const { return bin >= 0; }
    [[nodiscard]] double power() const { return std::norm(amplitude); }
    /// Power over noise variance (≈ SNR of the line).
    [[nodiscard]] double snr() const { return noise_var > 0.0 ? power() / noise_var : 0.0; }
};

/// Geometry shared by every spectrum of one window size.
struct SpectrumGeometry {
    std::size_t fft_size = 0;
    double bin_hz = 0.0;
    const Window* window = nullptr;
    std::size_t floor_guard = 0; ///< bins skipped either side of a line before the floor
    std::size_t floor_span = 0;  ///< floor bins taken on each side
};

/// Estimates the line at @p hz. @p scratch needs 2·floor_span floats.
LineEstimate estimate_line(std::span<const std::complex<float>> spectrum,
                           const SpectrumGeometry& geometry, double hz, std::span<float> scratch);

/// Median-based local noise power per bin (E|X|²) around bin @p centre.
double local_floor(std::span<const std::complex<float>> spectrum, const SpectrumGeometry& geometry,
                   std::size_t centre, std::span<float> scratch);

/// Finds the peak bin within ±@p search_bins of @p hz and interpolates its frequency (Gaussian
/// interpolation on log magnitudes, nearly exact for Kaiser and Blackman-Harris main lobes).
/// Returns false when the peak is at the search edge (not a local maximum).
bool find_peak(std::span<const std::complex<float>> spectrum, const SpectrumGeometry& geometry,
               double hz, std::size_t search_bins, std::size_t& peak_bin, double& peak_hz);

} // namespace cmr::detail
