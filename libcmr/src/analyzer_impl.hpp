// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The analyzer's state. Data flow per block of frames:
//   gather the layout's inputs  ->  full-band leg statistics (level, symmetry)
//   -> half-band decimation to the hum band -> per-input ring buffers (+ band statistics)
// and per hop (default 0.5 s):
//   short window (2 s, Blackman-Harris) on the programme-free common mode -> cm hum (fast, for
//   ground-loop alarms);
// and every long step (default 1 s):
//   long window (4 s, Kaiser β=10: > 70 dB rejection 1 Hz from a line) on D, C and singles
//   -> mains tracker -> harmonics on D / singles (with a phase-coherence gate), CMRR
//   cross-spectra, programme statistics outside the hum lines (symmetry).

#include <array>
#include <complex>
#include <cstdint>
#include <memory>
#include <vector>

#include "cmr/analyzer.hpp"

#include "cmrr_estimator.hpp"
#include "decimator.hpp"
#include "fft.hpp"
#include "harmonic_analysis.hpp"
#include "mains_tracker.hpp"
#include "symmetry.hpp"
#include "window.hpp"

namespace cmr::detail {

/// Second-order statistics of the used inputs over a stretch of samples.
struct BlockStats {
    std::vector<double> sum;   // per used input
    std::vector<double> sumsq; // per used input
    std::vector<double> cross; // per pair: Σ hot·cold
    double count = 0.0;
    void resize(std::size_t inputs, std::size_t pairs);
    void clear();
    void add(const BlockStats& o);
};

/// One harmonic over a whole recording: how often it was clear (passed the same gate as the
/// live reading) and its power when it was, for the summary.
struct LineAverage {
    double clear_power = 0.0; // Σ (|a|² - var(a)) over the steps where the line was clear
    double clear = 0.0;       // steps where it was clear
    double count = 0.0;       // steps
    void add(const LineEstimate& e, bool is_clear)
    {
        if (is_clear) {
            clear_power += std::max(e.power() - e.noise_var, 0.0);
            clear += 1.0;
        }
        count += 1.0;
    }
};

/// Per-signal harmonic bookkeeping (D of a pair or a single input).
struct HarmonicTrack {
    static constexpr std::size_t coherence_depth = 3;
    // De-rotated phasors of the last steps, per harmonic, for the stationarity gate.
    std::vector<std::array<std::complex<double>, coherence_depth>> history;
    std::vector<int> history_count;
    std::vector<LineAverage> total;
    void resize(std::size_t harmonics);
};

/// Everything kept per measured channel.
struct ChannelState {
    ChannelSpec spec;
    std::size_t hot = 0, cold = 0;     // compact indices of the used inputs (pairs)
    std::size_t input = 0;             // compact index (singles)
    std::size_t pair_index = 0;        // index among pairs (cross statistics)
    HarmonicTrack diff;                // D (pairs) or the input (singles)
    std::vector<LineAverage> cm_total; // C_ref, long window
    std::unique_ptr<CmrrEstimator> cmrr_live;
    std::unique_ptr<CmrrEstimator> cmrr_total;
    double beta = 0.0; // programme fraction of D found in C (latest)
    // Programme statistics outside the hum lines, from the long-window spectra: the live
    // value and the running sum for the summary.
    LegStats spectral_live;
    LegStats spectral_total;
    double spectral_steps = 0.0;
};

class AnalyzerImpl {
public:
    explicit AnalyzerImpl(const AnalyzerConfig& config);
    ~AnalyzerImpl();

    std::size_t consume(std::span<const float> interleaved);
    [[nodiscard]] bool hop_due() const { return hop_left_ == 0; }
    const Snapshot& analyse_hop();
    [[nodiscard]] Summary summary() const;

    AnalyzerConfig config_;
    std::uint64_t frames_ = 0;
    std::uint64_t non_finite_ = 0;
    Snapshot snapshot_;

private:
    void long_step();
    void short_step();
    void analyse_pair_long(ChannelState& ch, SpectrumView d, std::complex<float>* c);
    void analyse_single_long(ChannelState& ch, SpectrumView x);
    /// Gates harmonic k of a programme-carrying signal (SNR, line shape, mains-locked phase)
    /// and adds the window to its summary; returns whether the line is clear.
    bool read_programme_line(HarmonicTrack& track, int k, const LineEstimate& e, double phase);
    /// The last @p length decimated samples of used input @p input, contiguous.
    [[nodiscard]] const float* ring_tail(std::size_t input, std::size_t length) const;
    void fill_window(std::size_t length, const Window& window, float* out, std::size_t input_a,
                     std::size_t input_b, float wa, float wb) const;
    void fill_results();
    [[nodiscard]] int harmonic_count(double hz) const;
    [[nodiscard]] LegStats time_leg_stats(const BlockStats& full, const BlockStats& band,
                                          const ChannelState& ch) const;
    [[nodiscard]] double time_power(const BlockStats& full, std::size_t input) const;
    void window_stats(BlockStats& full, BlockStats& band) const;
    [[nodiscard]] std::size_t statistics_delay() const;

    double rate_;
    std::size_t input_count_;
    std::vector<std::size_t> used_; // raw input index (0-based) of each used input
    std::size_t pair_count_ = 0;
    std::vector<ChannelState> channels_;
    std::vector<ChannelResult> results_;

    std::unique_ptr<Decimator> decimator_;
    bool identity_map_ = false; // used inputs are the first inputs, in order
    double rate_d_ = 0.0;
    double passband_hz_ = 0.0;
    std::size_t hop_frames_ = 0; // input frames per hop
    std::size_t hop_left_ = 0;
    std::size_t hop_d_ = 0; // decimated samples per hop
    int long_every_ = 2;    // hops per long step
    std::uint64_t hops_ = 0;

    // Decimated rings, one per used input, each written twice so any window is contiguous.
    std::size_t ring_size_ = 0;
    std::size_t ring_pos_ = 0;
    std::uint64_t decimated_ = 0;
    std::vector<std::vector<float>> rings_;

    // Statistics: the hop being filled, the ring of recent hops, and the total. Full-band
    // statistics roll over `statistics_delay()` frames before the hop ends (done_full_ holds
    // the finished one until then), so both cover the same stretch of signal.
    BlockStats hop_full_, hop_band_, done_full_;
    std::size_t stats_left_ = 0;
    std::vector<BlockStats> recent_full_, recent_band_;
    std::size_t recent_pos_ = 0, recent_count_ = 0;
    BlockStats total_full_, total_band_;
    BlockStats window_full_, window_band_; // scratch: sums over the recent hops

    // Long window (4 s Kaiser) and short window (2 s Blackman-Harris).
    std::unique_ptr<Window> long_window_, short_window_;
    std::unique_ptr<RealFft> long_fft_, short_fft_;
    SpectrumGeometry long_geometry_, short_geometry_;
    std::vector<std::complex<float>*> long_spectra_; // D and C per pair, one per single
    std::vector<SpectrumView> long_views_;
    float* long_input_d_ = nullptr; // D's windowed samples (C's go to long_fft_'s input)
    std::complex<float>* short_spectrum_ = nullptr;
    std::vector<float> scratch_;

    std::unique_ptr<MainsTracker> tracker_;
    double mains_sum_ = 0.0, mains_steps_ = 0.0;
    std::optional<double> live_f_; // analysis frequency of the latest long step
};

} // namespace cmr::detail
