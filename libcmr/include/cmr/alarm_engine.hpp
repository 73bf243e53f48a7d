// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file alarm_engine.hpp
/// The alarm engine: pure logic fed with timestamped result snapshots. It raises and clears
/// alarms per channel with thresholds, hold and clear times and hysteresis. The daemon runs
/// exactly this engine live; `cmrctl analyze` runs it over a recording.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "cmr/measurement.hpp"

namespace cmr {

/// Thresholds of one channel. Defaults as documented in README / cmrd.toml.
struct AlarmThresholds {
    double hum_dbfs = -80.0;         ///< raise `hum` at or above (D hum, or a single's hum)
    double hum_clear_dbfs = -83.0;   ///< clear `hum` below
    double ground_loop_dbfs = -50.0; ///< raise `ground_loop` at or above (common-mode hum)
    double ground_loop_clear_dbfs = -53.0;
    double cmrr_min_db = 40.0;   ///< raise `cmrr_low` when a *measured* CMRR is below
    double cmrr_clear_db = 43.0; ///< clear `cmrr_low` when CMRR (measured or bound) reaches
    double hold_s = 2.0;         ///< condition must hold this long to raise hum/ground_loop
    double clear_s = 3.0;        ///< clear condition must hold this long to clear any alarm
    double cmrr_hold_s = 5.0;    ///< hold time for cmrr_low
    double wiring_hold_s = 5.0;  ///< hold time for wiring (in_phase or hot_silent)
};

/// One raised or cleared alarm.
struct AlarmEvent {
    double time_s = 0.0;     ///< snapshot time at which the decision was taken
    std::size_t channel = 0; ///< index into the layout
    AlarmKind kind = AlarmKind::none;
    bool raised = false; ///< true: raised, false: cleared
    /// The figure that triggered the decision (dBFS for hum/ground_loop, dB for cmrr_low);
    /// empty for wiring.
    std::optional<double> value;
};

/// Per-channel alarm state machine.
class AlarmEngine {
public:
    /// @param per_channel thresholds for each channel of the layout, in layout order.
    explicit AlarmEngine(std::vector<AlarmThresholds> per_channel);

    /// Feeds one snapshot (channels in layout order, times non-decreasing). Calls
    /// `sink(const AlarmEvent&)` for every alarm raised or cleared by it.
    template <typename Sink>
    void update(double time_s, std::span<const ChannelResult> channels, Sink&& sink)
    {
        for (std::size_t ch = 0; ch < channels.size() && ch < states_.size(); ++ch)
            for (std::size_t kind = 0; kind < kind_count; ++kind) {
                std::optional<AlarmEvent> event = step(time_s, ch, kind, channels[ch]);
                if (event)
                    sink(*event);
            }
    }

    /// The most severe active alarm of a channel (wiring, hum, cmrr_low, ground_loop).
    [[nodiscard]] AlarmKind current(std::size_t channel) const;
    /// Whether a particular alarm is active on a channel.
    [[nodiscard]] bool active(std::size_t channel, AlarmKind kind) const;
    /// Marks @p kind active on @p channel without an event: the state of an earlier run
    /// carried over (cmrd restarting). From then on the figures decide, as for any active
    /// alarm. @throws std::out_of_range for a channel the engine lacks,
    /// std::invalid_argument for AlarmKind::none.
    void restore(std::size_t channel, AlarmKind kind);
    /// Active alarms are not cleared before stream time @p time_s, whatever the figures say:
    /// an analysis that starts afresh (cmrd or its capture restarting) has no figures for its
    /// first seconds, and a missing figure reads as a clean line. Raising is not affected.
    void hold_active_until(double time_s) { hold_active_until_s_ = time_s; }
    /// Stream time a fresh analysis needs before its hum, CMRR and wiring figures can be
    /// trusted: the analyser's first long window (4 s) and mains lock give the first figures
    /// after about 5.5 s; 8 s leaves room for a late lock.
    static constexpr double fresh_analysis_s = 8.0;

    /// Replaces the thresholds (e.g. on configuration reload) while keeping alarm states.
    void set_thresholds(std::vector<AlarmThresholds> per_channel);
    [[nodiscard]] std::size_t channel_count() const { return states_.size(); }

private:
    static constexpr std::size_t kind_count = 4; // hum, ground_loop, cmrr_low, wiring
    struct KindState {
        bool active = false;
        std::optional<double> pending_since; ///< when the raise (or clear) condition began
    };
    struct ChannelState {
        AlarmThresholds thresholds;
        KindState kinds[kind_count];
    };
    std::optional<AlarmEvent> step(double time_s, std::size_t channel, std::size_t kind,
                                   const ChannelResult& result);

    std::vector<ChannelState> states_;
    double hold_active_until_s_ = 0.0;
};

} // namespace cmr
