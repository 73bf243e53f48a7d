// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file channel_alarms.hpp
/// What cmr-notify knows about one channel: its active alarms and the figures cmrd reported
/// last. Plain values, filled from D-Bus by bus_figures.hpp and read by the notification texts.

#include <optional>
#include <set>
#include <string>

namespace cmrnotify {

/// The figures cmrd sent with an alarm change (AlarmRaised/AlarmCleared) or published as
/// Channel properties. Empty where cmrd had nothing (not measured, or not applicable).
struct Figures {
    std::optional<double> mains_hz;    ///< mains frequency, Hz
    std::optional<double> hum_dbfs;    ///< hum in the signal (D of a pair, a single input)
    std::optional<double> cm_hum_dbfs; ///< common-mode hum (pairs)
    std::optional<double> cmrr_db;     ///< the link's CMRR
    std::optional<double> value;       ///< the figure an alarm decision was taken on
    std::string cmrr_kind;             ///< "measured", "lower_bound", "none" or ""
    std::string symmetry;              ///< "symmetric", "in_phase", "hot_silent", ... or ""

    bool operator==(const Figures&) const = default;
};

/// Alarm kinds as cmrd names them: "hum", "ground_loop", "cmrr_low", "wiring".
using AlarmSet = std::set<std::string>;

/// One channel: where it is, which alarms are active, the latest figures.
struct ChannelAlarms {
    std::string device;  ///< the device's name, e.g. "desk"
    std::string channel; ///< the channel id, "1/2" (a pair) or "7" (a single input)
    AlarmSet alarms;     ///< the active alarms; empty when the line is clear
    Figures figures;

    bool operator==(const ChannelAlarms&) const = default;
};

/// One AlarmRaised or AlarmCleared signal.
struct AlarmChange {
    std::string device;
    std::string channel;
    std::string alarm; ///< "hum", "ground_loop", "cmrr_low" or "wiring"
    bool raised = false;
    Figures figures;
};

} // namespace cmrnotify
