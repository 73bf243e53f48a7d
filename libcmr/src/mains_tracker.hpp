// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Finding and following the mains frequency.
//
// Acquisition scores every candidate fundamental in the search range by how far its
// harmonics stand above the local floor, summed over all signals, so a buzz with a weak
// fundamental and strong odd harmonics is still found. A candidate must persist before it is
// believed: 1 s near a 50/60 Hz grid, 10 s elsewhere in 45-65 Hz, so a sustained bass note
// (G1 49.0 Hz, B1 61.7 Hz) is never taken for the mains.
//
// Once locked, the frequency is measured from the phase advance of each harmonic between
// consecutive analysis windows (zero-phase spectra give the line's phase at the window
// centre), unwrapped with an interpolated peak estimate and weighted by k²·SNR: unbiased and
// far more precise than peak interpolation alone.

#include <complex>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "cmr/analyzer.hpp"

#include "harmonic_analysis.hpp"

namespace cmr::detail {

using SpectrumView = std::span<const std::complex<float>>;

class MainsTracker {
public:
    /// @param hop_s time between consecutive update() spectra;
    /// @param max_hz highest frequency usable for harmonics.
    MainsTracker(MainsMode mode, int harmonics, const SpectrumGeometry& geometry, double hop_s,
                 double max_hz, std::size_t max_signals);

    /// One analysis step with the spectra of all signals (same window, same time). The first
    /// @p references spectra are the common-mode signals of pairs: where the hum lives and the
    /// programme mostly does not. They are searched and followed first; the others (D of pairs,
    /// single inputs, which carry programme with its own sustained tones) only when the
    /// references show no hum. No allocation.
    void update(std::span<const SpectrumView> spectra, std::size_t references);

    /// The measured mains frequency while locked.
    [[nodiscard]] std::optional<double> frequency() const;
    /// The frequency to measure harmonics at: the locked one, else the nominal grid frequency
    /// when the grid is pinned, else empty.
    [[nodiscard]] std::optional<double> analysis_frequency() const;
    /// Mains phase (radians, wrapped) accumulated at each step while locked; a line locked to
    /// the mains keeps a constant phase relative to k times this.
    [[nodiscard]] double phase() const { return phase_; }
    [[nodiscard]] bool locked() const { return locked_; }
    /// Where hum lines are while not yet locked: the candidate being confirmed. Lines there
    /// must not be taken for programme.
    [[nodiscard]] std::optional<double> exclusion_frequency() const
    {
        if (const std::optional<double> f = analysis_frequency())
            return f;
        return pending_hz_;
    }

private:
    struct Candidate {
        double hz = 0.0;
        double score = 0.0;
    };
    std::optional<Candidate> acquire(std::span<const SpectrumView> spectra);
    double refine(std::span<const SpectrumView> spectra, double hz, int max_k);
    std::optional<double> track(std::span<const SpectrumView> spectra, std::size_t first_slot);
    void reset_phase_history();
    void advance_phase();
    void forget(std::size_t first_signal, std::size_t count);
    [[nodiscard]] int usable_harmonics(double hz, int limit) const;

    MainsMode mode_;
    int harmonics_;
    SpectrumGeometry geometry_;
    double hop_s_;
    double max_hz_;
    double lo_hz_, hi_hz_;

    bool locked_ = false;
    double hz_ = 0.0;
    double phase_ = 0.0;
    int misses_ = 0;
    std::optional<double> pending_hz_;
    int pending_count_ = 0;

    // Per signal and harmonic: the previous step's line value at its peak bin, for phase.
    std::vector<std::complex<float>> prev_value_;
    std::vector<double> prev_snr_;
    std::vector<double> floor_cache_; // per signal and harmonic, this step's floor (-1: none)
    struct Estimate {
        double hz = 0.0;
        double weight = 0.0;
    };
    std::vector<Estimate> estimates_; // per-harmonic fundamental estimates of one pass
    std::size_t estimates_count_ = 0;
    void add_estimate(double hz, double weight);
    std::optional<double> consensus();
    std::size_t max_signals_;

    std::vector<double> scores_;   // acquisition score per candidate
    std::vector<float> seg_floor_; // coarse floor per 32-bin segment
    std::vector<float> scratch_;
};

} // namespace cmr::detail
