// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file analyzer.hpp
/// The streaming analyzer: feed interleaved float frames in blocks of any size, read a result
/// snapshot per channel after every analysis hop, and a whole-recording summary at the end.
///
/// All memory (FFTW plans, buffers) is allocated by the constructor; `feed()` never allocates,
/// locks or blocks, so it may run in a real-time thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "cmr/layout.hpp"
#include "cmr/measurement.hpp"

namespace cmr {

/// How the mains frequency is found.
enum class MainsMode {
    automatic, ///< any hum fundamental in 45-65 Hz (50 and 60 Hz grids and their drift)
    grid_50,   ///< a 50 Hz grid: tracked within 49.5-50.5 Hz
    grid_60,   ///< a 60 Hz grid: tracked within 59.5-60.5 Hz
};

/// Construction parameters of an Analyzer.
struct AnalyzerConfig {
    double sample_rate = 48000.0; ///< 8000 to 192000 Hz
    int input_count = 2;          ///< channels per interleaved frame fed to the analyzer
    Layout layout;                ///< which inputs to measure; must fit `input_count`
    MainsMode mains = MainsMode::automatic;
    int harmonics = 20; ///< K: harmonics measured, limited by Nyquist and max_harmonics
    double hop_s = 0.5; ///< time between result snapshots (common-mode hum)
    /// Time between the long-window analyses (mains, hum on D and single inputs, CMRR,
    /// symmetry); rounded to a whole number of hops. 2 s halves their cost (the 4 s windows
    /// still overlap by half) but delays the first mains lock and hum alarms by seconds.
    double long_hop_s = 1.0;
};

/// One result snapshot: the live figures after an analysis hop.
struct Snapshot {
    double time_s = 0.0;            ///< stream time (seconds of frames fed) at the hop
    std::optional<double> mains_hz; ///< the tracked mains frequency
    std::span<const ChannelResult> channels;
};

/// Whole-recording results.
struct Summary {
    double duration_s = 0.0;
    std::optional<double> mains_hz;
    std::vector<ChannelResult> channels;
};

/// Thrown by the Analyzer constructor for an impossible configuration.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

namespace detail {
class AnalyzerImpl;
}

/// Streaming hum / mains / CMRR / symmetry analyzer for one audio source.
class Analyzer {
public:
    /// Allocates everything the analysis needs. @throws ConfigError, LayoutError.
    explicit Analyzer(const AnalyzerConfig& config);
    ~Analyzer();
    Analyzer(Analyzer&&) noexcept;
    Analyzer& operator=(Analyzer&&) noexcept;
    Analyzer(const Analyzer&) = delete;
    Analyzer& operator=(const Analyzer&) = delete;

    /// Feeds interleaved frames (`input_count` floats per frame, ±1.0 = full scale). A trailing
    /// partial frame is an error (std::invalid_argument). Calls `on_snapshot(const Snapshot&)`
    /// after each completed hop. Never allocates.
    template <typename OnSnapshot>
    void feed(std::span<const float> interleaved, OnSnapshot&& on_snapshot)
    {
        check_whole_frames(interleaved.size());
        while (!interleaved.empty()) {
            const std::size_t used = consume(interleaved);
            interleaved = interleaved.subspan(used);
            if (hop_due())
                on_snapshot(analyse_hop());
        }
    }

    /// Feeds frames without a snapshot callback; read `snapshot()` afterwards.
    void feed(std::span<const float> interleaved)
    {
        feed(interleaved, [](const Snapshot&) {});
    }

    /// The latest snapshot (empty figures before the first hop).
    [[nodiscard]] Snapshot snapshot() const;

    /// Results over everything fed so far. Allocates; not for the real-time path.
    [[nodiscard]] Summary summary() const;

    /// The effective configuration (harmonic count limited by Nyquist, hop rounded).
    [[nodiscard]] const AnalyzerConfig& config() const;

    /// Frames fed so far.
    [[nodiscard]] std::uint64_t frames() const;

    /// NaN or infinite samples met on the measured inputs so far; each was taken as silence.
    [[nodiscard]] std::uint64_t non_finite_samples() const;

private:
    void check_whole_frames(std::size_t samples) const;
    std::size_t consume(std::span<const float> interleaved);
    [[nodiscard]] bool hop_due() const;
    const Snapshot& analyse_hop();

    std::unique_ptr<detail::AnalyzerImpl> impl_;
};

} // namespace cmr
