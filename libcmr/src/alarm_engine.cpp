// SPDX-License-Identifier: GPL-2.0-or-later
/// @file alarm_engine.cpp
/// Per-channel alarm state machines: a condition must hold continuously for a hold time to
/// raise an alarm, and its clear condition continuously for the clear time to clear it. Between
/// the raise and the clear thresholds (hysteresis) and while the data says nothing (no CMRR
/// figure, no programme to judge the wiring by), the state holds and pending timers restart.

#include "cmr/alarm_engine.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cmr {

namespace {

/// Slot of each alarm kind in ChannelState::kinds (the order of the header's comment).
constexpr std::size_t hum_slot = 0;
constexpr std::size_t ground_loop_slot = 1;
constexpr std::size_t cmrr_low_slot = 2;
constexpr std::size_t wiring_slot = 3;

constexpr AlarmKind slot_kinds[] = {AlarmKind::hum, AlarmKind::ground_loop, AlarmKind::cmrr_low,
                                    AlarmKind::wiring};

/// Most severe first: a wiring fault explains everything else on the line, audible hum is what
/// listeners notice, a poor CMRR predicts hum, a ground loop alone is still rejected.
constexpr std::size_t slots_by_severity[] = {wiring_slot, hum_slot, cmrr_low_slot,
                                             ground_loop_slot};

/// Snapshot times are derived from frame counts (e.g. 0.1 s hops), so `now - since` can land a
/// few ulps below a hold time it has exactly reached; without this slack the alarm would come
/// one snapshot late. A nanosecond is far below any snapshot spacing.
constexpr double time_slack_s = 1e-9;

/// What one snapshot says about one alarm.
enum class Verdict {
    raise, ///< the raise condition is true
    clear, ///< the clear condition is true
    hold,  ///< neither (hysteresis band, or no information): keep the state, restart timers
};

struct Evaluation {
    Verdict verdict = Verdict::hold;
    std::optional<double> value; ///< the figure the verdict rests on, for the event
};

/// A level alarm (hum, ground loop): raise at or above @p raise_at, clear below @p clear_below
/// or when there is no figure at all (no hum stands clear of the noise floor).
Evaluation evaluate_level(std::optional<double> level, double raise_at, double clear_below)
{
    if (!level)
        return {Verdict::clear, level};
    if (*level >= raise_at)
        return {Verdict::raise, level};
    if (*level < clear_below)
        return {Verdict::clear, level};
    return {Verdict::hold, level}; // also NaN: an undefined figure proves nothing
}

/// Only a *measured* CMRR can prove the link poor; a lower bound at or above the clear
/// threshold proves it good enough. No figure says nothing either way.
Evaluation evaluate_cmrr(const ChannelResult& result, const AlarmThresholds& thresholds)
{
    if (result.cmrr_kind == CmrrKind::none || !result.cmrr_db)
        return {Verdict::hold, result.cmrr_db};
    if (result.cmrr_kind == CmrrKind::measured && *result.cmrr_db < thresholds.cmrr_min_db)
        return {Verdict::raise, result.cmrr_db};
    if (*result.cmrr_db >= thresholds.cmrr_clear_db)
        return {Verdict::clear, result.cmrr_db};
    return {Verdict::hold, result.cmrr_db};
}

/// Same-polarity legs cancel the programme in D; a silent hot leg with a live cold leg means
/// swapped or broken pins. Silence (or a single input) tells nothing about the wiring.
Evaluation evaluate_wiring(const ChannelResult& result)
{
    if (!result.symmetry || *result.symmetry == Symmetry::no_signal)
        return {Verdict::hold, std::nullopt};
    if (*result.symmetry == Symmetry::in_phase || *result.symmetry == Symmetry::hot_silent)
        return {Verdict::raise, std::nullopt};
    return {Verdict::clear, std::nullopt};
}

[[noreturn]] void reject(std::size_t channel, const std::string& what)
{
    throw std::invalid_argument("alarm thresholds of channel " + std::to_string(channel) + ": " +
                                what);
}

std::string figure(double value)
{
    std::string text = std::to_string(value);
    // std::to_string prints 6 decimals; trim the zeros so messages read "-80" not "-80.000000".
    if (text.find('.') != std::string::npos) {
        text.erase(text.find_last_not_of('0') + 1);
        if (text.back() == '.')
            text.pop_back();
    }
    return text;
}

/// Thresholds may be infinite (an infinite raise threshold disables that alarm) but not NaN,
/// which would make every comparison false and the alarm silently inert.
void check_threshold(std::size_t channel, const char* name, double value)
{
    if (std::isnan(value))
        reject(channel, std::string(name) + " is not a number");
}

void check_time(std::size_t channel, const char* name, double value)
{
    if (std::isnan(value) || value < 0.0)
        reject(channel,
               std::string(name) + " must be zero or more seconds (got " + figure(value) + ")");
}

/// @p clear must not lie beyond @p raise in the direction that raises, or a value could satisfy
/// both conditions and the alarm would flap.
void check_level_pair(std::size_t channel, const char* clear_name, double clear,
                      const char* raise_name, double raise)
{
    if (clear > raise)
        reject(channel, std::string(clear_name) + " (" + figure(clear) + ") must not be above " +
                            raise_name + " (" + figure(raise) + ")");
}

void validate(const std::vector<AlarmThresholds>& per_channel)
{
    for (std::size_t ch = 0; ch < per_channel.size(); ++ch) {
        const AlarmThresholds& t = per_channel[ch];
        check_threshold(ch, "hum_dbfs", t.hum_dbfs);
        check_threshold(ch, "hum_clear_dbfs", t.hum_clear_dbfs);
        check_threshold(ch, "ground_loop_dbfs", t.ground_loop_dbfs);
        check_threshold(ch, "ground_loop_clear_dbfs", t.ground_loop_clear_dbfs);
        check_threshold(ch, "cmrr_min_db", t.cmrr_min_db);
        check_threshold(ch, "cmrr_clear_db", t.cmrr_clear_db);
        check_level_pair(ch, "hum_clear_dbfs", t.hum_clear_dbfs, "hum_dbfs", t.hum_dbfs);
        check_level_pair(ch, "ground_loop_clear_dbfs", t.ground_loop_clear_dbfs, "ground_loop_dbfs",
                         t.ground_loop_dbfs);
        // For CMRR a low figure raises, so the clear threshold must not be below the minimum.
        if (t.cmrr_clear_db < t.cmrr_min_db)
            reject(ch, "cmrr_clear_db (" + figure(t.cmrr_clear_db) + ") must not be below " +
                           "cmrr_min_db (" + figure(t.cmrr_min_db) + ")");
        check_time(ch, "hold_s", t.hold_s);
        check_time(ch, "clear_s", t.clear_s);
        check_time(ch, "cmrr_hold_s", t.cmrr_hold_s);
        check_time(ch, "wiring_hold_s", t.wiring_hold_s);
    }
}

} // namespace

AlarmEngine::AlarmEngine(std::vector<AlarmThresholds> per_channel)
{
    validate(per_channel);
    states_.resize(per_channel.size());
    for (std::size_t ch = 0; ch < per_channel.size(); ++ch)
        states_[ch].thresholds = per_channel[ch];
}

void AlarmEngine::set_thresholds(std::vector<AlarmThresholds> per_channel)
{
    // A different channel count means a different layout, whose alarm states would be
    // attributed to the wrong lines: that needs a new engine, not a threshold change.
    if (per_channel.size() != states_.size())
        throw std::invalid_argument("set_thresholds: " + std::to_string(per_channel.size()) +
                                    " channels given, the engine has " +
                                    std::to_string(states_.size()));
    validate(per_channel); // before touching anything: all or nothing
    for (std::size_t ch = 0; ch < per_channel.size(); ++ch)
        states_[ch].thresholds = per_channel[ch];
}

AlarmKind AlarmEngine::current(std::size_t channel) const
{
    const ChannelState& state = states_.at(channel);
    for (const std::size_t slot : slots_by_severity)
        if (state.kinds[slot].active)
            return slot_kinds[slot];
    return AlarmKind::none;
}

void AlarmEngine::restore(std::size_t channel, AlarmKind kind)
{
    ChannelState& state = states_.at(channel);
    for (std::size_t slot = 0; slot < kind_count; ++slot)
        if (slot_kinds[slot] == kind) {
            state.kinds[slot] = KindState{.active = true, .pending_since = std::nullopt};
            return;
        }
    throw std::invalid_argument("restore: not an alarm kind");
}

bool AlarmEngine::active(std::size_t channel, AlarmKind kind) const
{
    const ChannelState& state = states_.at(channel);
    for (std::size_t slot = 0; slot < kind_count; ++slot)
        if (slot_kinds[slot] == kind)
            return state.kinds[slot].active;
    return false; // AlarmKind::none is not an alarm
}

std::optional<AlarmEvent> AlarmEngine::step(double time_s, std::size_t channel, std::size_t kind,
                                            const ChannelResult& result)
{
    ChannelState& state = states_[channel];
    const AlarmThresholds& t = state.thresholds;
    KindState& ks = state.kinds[kind];

    Evaluation evaluation;
    double hold_s = t.hold_s;
    switch (kind) {
    case hum_slot:
        evaluation = evaluate_level(result.hum_dbfs, t.hum_dbfs, t.hum_clear_dbfs);
        break;
    case ground_loop_slot:
        evaluation =
            evaluate_level(result.cm_hum_dbfs, t.ground_loop_dbfs, t.ground_loop_clear_dbfs);
        break;
    case cmrr_low_slot:
        evaluation = evaluate_cmrr(result, t);
        hold_s = t.cmrr_hold_s;
        break;
    case wiring_slot:
        evaluation = evaluate_wiring(result);
        hold_s = t.wiring_hold_s;
        break;
    default:
        return std::nullopt;
    }

    // The timer runs toward the opposite state: raising while inactive, clearing while active.
    const Verdict toward = ks.active ? Verdict::clear : Verdict::raise;
    if (ks.active && time_s < hold_active_until_s_) {
        ks.pending_since.reset(); // a fresh analysis: no figure proves the line clean yet
        return std::nullopt;
    }
    if (evaluation.verdict != toward) {
        ks.pending_since.reset();
        return std::nullopt;
    }
    if (!ks.pending_since)
        ks.pending_since = time_s;
    const double needed_s = ks.active ? t.clear_s : hold_s;
    if (time_s - *ks.pending_since + time_slack_s < needed_s)
        return std::nullopt;

    ks.active = !ks.active;
    ks.pending_since.reset();
    return AlarmEvent{.time_s = time_s,
                      .channel = channel,
                      .kind = slot_kinds[kind],
                      .raised = ks.active,
                      .value = evaluation.value};
}

} // namespace cmr
