// SPDX-License-Identifier: GPL-2.0-or-later
#include "events/event_text.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>

#include "events/event_codec.hpp"

namespace cmrd::events {
namespace {

std::string_view alarm_words(cmr::AlarmKind kind)
{
    switch (kind) {
    case cmr::AlarmKind::hum:
        return "hum";
    case cmr::AlarmKind::ground_loop:
        return "ground loop";
    case cmr::AlarmKind::cmrr_low:
        return "low CMRR";
    case cmr::AlarmKind::wiring:
        return "wiring fault";
    case cmr::AlarmKind::none:
        break;
    }
    return "no alarm";
}

std::string_view symmetry_words(std::string_view symmetry)
{
    if (symmetry == "in_phase")
        return "legs in phase";
    if (symmetry == "hot_silent")
        return "hot leg silent";
    if (symmetry == "cold_silent")
        return "cold leg silent";
    if (symmetry == "no_signal")
        return "no signal";
    return symmetry;
}

std::string one_decimal(double value)
{
    std::array<char, 32> text{};
    const int n = std::snprintf(text.data(), text.size(), "%.1f", value);
    return {text.data(), static_cast<std::size_t>(n)};
}

/// The specific figure for the alarm, else the engine's deciding value.
std::optional<double> figure_for(const Event& event, const std::optional<double>& specific)
{
    const std::optional<double>& chosen = specific ? specific : event.figures.value;
    if (chosen && std::isfinite(*chosen))
        return chosen;
    return std::nullopt;
}

std::string figure_words(const Event& event)
{
    const EventFigures& f = event.figures;
    switch (event.alarm) {
    case cmr::AlarmKind::hum:
        if (auto v = figure_for(event, f.hum_dbfs))
            return "hum " + one_decimal(*v) + " dBFS";
        break;
    case cmr::AlarmKind::ground_loop:
        if (auto v = figure_for(event, f.cm_hum_dbfs))
            return "common-mode hum " + one_decimal(*v) + " dBFS";
        break;
    case cmr::AlarmKind::cmrr_low:
        if (auto v = figure_for(event, f.cmrr_db))
            return (f.cmrr_kind == "lower_bound" ? "CMRR at least " : "CMRR ") + one_decimal(*v) +
                   " dB";
        break;
    case cmr::AlarmKind::wiring:
        if (!f.symmetry.empty())
            return std::string(symmetry_words(f.symmetry));
        break;
    case cmr::AlarmKind::none:
        break;
    }
    return {};
}

} // namespace

std::string event_sentence(const Event& event)
{
    std::string text = event.device + " " + event.channel + ": ";
    text += alarm_words(event.alarm);
    text += " ";
    text += action_name(event.raised);
    if (std::string figure = figure_words(event); !figure.empty())
        text += ", " + figure;
    return text;
}

} // namespace cmrd::events
