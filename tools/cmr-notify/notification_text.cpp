// SPDX-License-Identifier: GPL-2.0-or-later
#include "notification_text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <tuple>

namespace cmrnotify {
namespace {

constexpr const char* icon_warning = "dialog-warning";
constexpr const char* icon_audio = "audio-input-microphone";

/// Alarms in the order of their severity (cmr::AlarmEngine::current): the first one present
/// names the notification.
constexpr std::array severity_order = {cmr::AlarmKind::wiring, cmr::AlarmKind::hum,
                                       cmr::AlarmKind::cmrr_low, cmr::AlarmKind::ground_loop};

std::string fixed(double value, int decimals)
{
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
    return text.data();
}

std::string dbfs(double value)
{
    return fixed(value, 1) + " dBFS";
}
std::string db(double value)
{
    return fixed(value, 1) + " dB";
}

bool is_pair(std::string_view channel_id)
{
    return channel_id.find('/') != std::string_view::npos;
}

bool has(const AlarmSet& alarms, cmr::AlarmKind alarm)
{
    return alarms.contains(alarm);
}

/// The alarms in severity order.
std::vector<cmr::AlarmKind> by_severity(const AlarmSet& alarms)
{
    std::vector<cmr::AlarmKind> out;
    for (const cmr::AlarmKind alarm : severity_order)
        if (has(alarms, alarm))
            out.push_back(alarm);
    return out;
}

/// "desk, line 1/2"
std::string where(const ChannelAlarms& channel)
{
    return channel.device + ", " + line_name(channel.channel);
}

/// ", CMRR 50.2 dB" / ", CMRR at least 60.0 dB" / "" when cmrd could not resolve it.
std::string cmrr_clause(const Figures& f)
{
    if (!f.cmrr_db)
        return "";
    if (f.cmrr_kind == cmr::CmrrKind::lower_bound)
        return ", CMRR at least " + db(*f.cmrr_db);
    return ", CMRR " + db(*f.cmrr_db);
}

std::string mains_clause(const Figures& f)
{
    return f.mains_hz ? " (mains " + fixed(*f.mains_hz, 2) + " Hz)" : "";
}

std::string ground_loop_paragraph(const ChannelAlarms& channel, bool reaches_signal)
{
    const Figures& f = channel.figures;
    const std::optional<double> cm = f.cm_hum_dbfs ? f.cm_hum_dbfs : f.value;
    std::string text = "Ground loop: common-mode hum " + (cm ? dbfs(*cm) : std::string("high")) +
                       mains_clause(f) + ".";
    if (reaches_signal) {
        text += " It reaches the signal: hum " +
                (f.hum_dbfs ? dbfs(*f.hum_dbfs) : std::string("audible")) + " on " +
                line_name(channel.channel) + cmrr_clause(f) + ".";
    } else if (f.hum_dbfs) {
        text +=
            " The link rejects it (hum in the signal " + dbfs(*f.hum_dbfs) + cmrr_clause(f) + ").";
    } else {
        text += " The link rejects it (no hum measurable in the signal" + cmrr_clause(f) + ").";
    }
    text += "\nCheck: put the components of this line on one outlet strip (one ground point), "
            "or lift the loop (isolating transformer, or the ground lift of a DI box). Do not "
            "remove protective earth.";
    if (reaches_signal)
        text += " Check the cable shield at pin 1 as well.";
    return text;
}

std::string hum_paragraph(const ChannelAlarms& channel)
{
    const Figures& f = channel.figures;
    const std::optional<double> hum = f.hum_dbfs ? f.hum_dbfs : f.value;
    const std::string level = hum ? dbfs(*hum) : std::string("audible");
    if (!is_pair(channel.channel))
        return "Hum " + level + " on " + line_name(channel.channel) + mains_clause(f) +
               ", an unbalanced input: listeners hear it.\nCheck: the cable shield and the "
               "ground connection of the source; a balanced connection, or a DI box with a "
               "ground lift, avoids it.";
    std::string text = "Hum in the signal: " + level + " on " + line_name(channel.channel) +
                       mains_clause(f) + ": listeners hear it.";
    if (f.cm_hum_dbfs)
        text += " Common-mode hum " + dbfs(*f.cm_hum_dbfs) + cmrr_clause(f) + ".";
    text += "\nCheck: the cable shield and pin 1 at both ends, and the source itself (hum "
            "injected upstream reaches the signal whatever the link).";
    return text;
}

std::string cmrr_paragraph(const ChannelAlarms& channel)
{
    const Figures& f = channel.figures;
    const std::optional<double> cmrr = f.cmrr_db ? f.cmrr_db : f.value;
    std::string text =
        "Poor common-mode rejection: CMRR " + (cmrr ? db(*cmrr) : std::string("too low"));
    if (f.cm_hum_dbfs)
        text += ", measured on common-mode hum of " + dbfs(*f.cm_hum_dbfs);
    text += ". A ground loop on this line would reach the signal.\nCheck: is the cold leg "
            "grounded at the source (pin 3 tied to pin 1, an unbalanced output on a balanced "
            "input)? Check the cable and its connectors for a broken leg.";
    return text;
}

std::string wiring_paragraph(const ChannelAlarms& channel)
{
    const std::optional<cmr::Symmetry>& symmetry = channel.figures.symmetry;
    if (symmetry == cmr::Symmetry::hot_silent)
        return "Wiring: the hot leg (pin 2) is silent, only the cold leg carries the "
               "programme.\nCheck: pin 2 is connected at both ends and the cable is not "
               "miswired.";
    if (symmetry == cmr::Symmetry::in_phase)
        return "Wiring: the legs are in phase, both carry the programme with the same "
               "polarity, so it cancels in the balanced signal.\nCheck: pins 2 and 3 are not "
               "bridged, and the "
               "cable is not miswired.";
    return "Wiring: the legs do not carry the programme as a balanced line should.\nCheck: the "
           "wiring of pins 2 and 3, and that the cable is not miswired.";
}

std::string paragraph(const ChannelAlarms& channel, cmr::AlarmKind alarm, bool reaches)
{
    switch (alarm) {
    case cmr::AlarmKind::ground_loop:
        return ground_loop_paragraph(channel, reaches);
    case cmr::AlarmKind::hum:
        return hum_paragraph(channel);
    case cmr::AlarmKind::cmrr_low:
        return cmrr_paragraph(channel);
    case cmr::AlarmKind::wiring:
        return wiring_paragraph(channel);
    case cmr::AlarmKind::none:
        break;
    }
    return "";
}

std::string headline(const ChannelAlarms& channel, bool reaches)
{
    const std::vector<cmr::AlarmKind> alarms = by_severity(channel.alarms);
    const cmr::AlarmKind first = alarms.front();
    const std::string at = " on " + where(channel);
    if (first == cmr::AlarmKind::wiring)
        return "Wiring fault" + at;
    if (reaches && has(channel.alarms, cmr::AlarmKind::ground_loop))
        return "Ground loop hum in the signal" + at;
    if (first == cmr::AlarmKind::hum)
        return (is_pair(channel.channel) ? "Hum in the signal" : "Hum") + at;
    if (first == cmr::AlarmKind::cmrr_low)
        return "Poor common-mode rejection" + at;
    return "Ground loop" + at;
}

/// The short form of one alarm for a summary line: "ground loop (common-mode hum -45.3 dBFS)".
std::string short_form(const ChannelAlarms& channel, cmr::AlarmKind alarm)
{
    const Figures& f = channel.figures;
    std::string text = alarm_name(alarm);
    using cmr::AlarmKind;
    if (alarm == AlarmKind::ground_loop && f.cm_hum_dbfs)
        text += " (common-mode hum " + dbfs(*f.cm_hum_dbfs) + ")";
    else if (alarm == AlarmKind::hum && f.hum_dbfs)
        text += " (" + dbfs(*f.hum_dbfs) + " in the signal)";
    else if (alarm == AlarmKind::cmrr_low && f.cmrr_db)
        text += " (CMRR " + db(*f.cmrr_db) + ")";
    else if (alarm == AlarmKind::wiring && f.symmetry == cmr::Symmetry::in_phase)
        text += " (legs in phase)";
    else if (alarm == AlarmKind::wiring && f.symmetry == cmr::Symmetry::hot_silent)
        text += " (hot leg silent)";
    return text;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator)
{
    std::string out;
    for (const std::string& part : parts)
        out += (out.empty() ? "" : separator) + part;
    return out;
}

/// Orders channels by device, then by their first input number (1/2 before 11/12).
bool natural_less(const ChannelAlarms& a, const ChannelAlarms& b)
{
    const auto first_input = [](const std::string& id) {
        unsigned value = 0;
        for (const char c : id) {
            if (c < '0' || c > '9')
                break;
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        return value;
    };
    return std::tuple(a.device, first_input(a.channel), a.channel) <
           std::tuple(b.device, first_input(b.channel), b.channel);
}

} // namespace

std::string line_name(std::string_view channel_id)
{
    return (is_pair(channel_id) ? "line " : "input ") + std::string(channel_id);
}

std::string alarm_name(cmr::AlarmKind alarm)
{
    switch (alarm) {
    case cmr::AlarmKind::ground_loop:
        return "ground loop";
    case cmr::AlarmKind::hum:
        return "hum";
    case cmr::AlarmKind::cmrr_low:
        return "poor common-mode rejection";
    case cmr::AlarmKind::wiring:
        return "wiring fault";
    case cmr::AlarmKind::none:
        break;
    }
    return std::string(cmr::to_string(alarm));
}

bool hum_reaches_signal(const ChannelAlarms& channel, const TextSettings& settings)
{
    if (has(channel.alarms, cmr::AlarmKind::hum))
        return true;
    return has(channel.alarms, cmr::AlarmKind::ground_loop) && channel.figures.hum_dbfs &&
           *channel.figures.hum_dbfs >= settings.hum_dbfs;
}

Urgency alarm_urgency(const ChannelAlarms& channel, const TextSettings& settings)
{
    if (channel.alarms.empty())
        return Urgency::low;
    return hum_reaches_signal(channel, settings) ? Urgency::critical : Urgency::normal;
}

Notification alarm_notification(const ChannelAlarms& channel, const TextSettings& settings)
{
    if (channel.alarms.empty())
        return resolved_notification(channel, {}, settings);
    Notification n;
    const bool reaches = hum_reaches_signal(channel, settings);
    n.summary = headline(channel, reaches);
    std::vector<std::string> paragraphs;
    for (const cmr::AlarmKind alarm : by_severity(channel.alarms)) {
        // A ground loop reaching the signal tells the hum level itself: no second paragraph.
        if (alarm == cmr::AlarmKind::hum && has(channel.alarms, cmr::AlarmKind::ground_loop))
            continue;
        paragraphs.push_back(paragraph(channel, alarm, reaches));
    }
    n.body = join(paragraphs, "\n");
    n.urgency = alarm_urgency(channel, settings);
    n.icon = n.urgency == Urgency::critical ? icon_warning : icon_audio;
    n.expire_timeout_ms = -1;
    return n;
}

Notification resolved_notification(const ChannelAlarms& channel, const AlarmSet& cleared,
                                   const TextSettings& settings)
{
    Notification n;
    std::vector<std::string> names;
    for (const cmr::AlarmKind alarm : by_severity(cleared))
        names.push_back(alarm_name(alarm));
    n.summary = "Resolved" + (names.empty() ? std::string() : ": " + join(names, " and ")) +
                " on " + where(channel);
    const Figures& f = channel.figures;
    std::vector<std::string> now;
    if (f.cm_hum_dbfs)
        now.push_back("common-mode hum " + dbfs(*f.cm_hum_dbfs));
    if (f.hum_dbfs)
        now.push_back("hum in the signal " + dbfs(*f.hum_dbfs));
    if (f.cmrr_db)
        now.push_back(cmrr_clause(f).substr(2));
    n.body = "No alarm on this line any more." +
             (now.empty() ? std::string() : " Now: " + join(now, ", ") + ".");
    n.icon = icon_audio;
    n.urgency = Urgency::low;
    n.expire_timeout_ms = settings.resolved_timeout_ms;
    return n;
}

Notification summary_notification(const std::vector<ChannelAlarms>& channels, SummaryReason reason,
                                  const TextSettings& settings)
{
    std::vector<ChannelAlarms> active;
    for (const ChannelAlarms& channel : channels)
        if (!channel.alarms.empty())
            active.push_back(channel);
    std::sort(active.begin(), active.end(), natural_less);

    std::size_t count = 0;
    std::vector<std::string> devices;
    Urgency urgency = Urgency::low;
    for (const ChannelAlarms& channel : active) {
        count += channel.alarms.size();
        if (std::find(devices.begin(), devices.end(), channel.device) == devices.end())
            devices.push_back(channel.device);
        urgency = std::max(urgency, alarm_urgency(channel, settings));
    }

    Notification n;
    const std::string prefix = reason == SummaryReason::startup ? "cmrd: " : "cmrd restarted: ";
    if (count == 0) {
        n.summary = prefix + "no alarms active";
        n.body = "Every monitored line is clear.";
        n.icon = icon_audio;
        n.urgency = Urgency::low;
        n.expire_timeout_ms = settings.resolved_timeout_ms;
        return n;
    }
    n.summary = prefix + std::to_string(count) + (count == 1 ? " alarm" : " alarms") +
                " active on " + join(devices, ", ");
    std::vector<std::string> lines;
    for (const ChannelAlarms& channel : active) {
        std::vector<std::string> parts;
        for (const cmr::AlarmKind alarm : by_severity(channel.alarms))
            parts.push_back(short_form(channel, alarm));
        const std::string at = devices.size() > 1 ? where(channel) : line_name(channel.channel);
        lines.push_back(at + ": " + join(parts, ", "));
    }
    n.body = join(lines, "\n");
    n.urgency = urgency;
    n.icon = urgency == Urgency::critical ? icon_warning : icon_audio;
    n.expire_timeout_ms = -1;
    return n;
}

} // namespace cmrnotify
