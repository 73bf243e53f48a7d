// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file channel_alarms.hpp
/// What cmr-notify knows about one channel: its active alarms and the figures cmrd reported
/// last. Plain values of the wire model (dbus/wire/), read by the notification texts.

#include <set>
#include <string>

#include "cmr/measurement.hpp"

#include "wire/alarm_figures.hpp"

namespace cmrnotify {

/// The figures cmrd sent with an alarm change (AlarmRaised/AlarmCleared) or published as
/// Channel properties. Empty where cmrd had nothing (not measured, or not applicable).
using Figures = cmrd::wire::AlarmFigures;

/// One AlarmRaised or AlarmCleared signal (device and channel in its figures).
using AlarmChange = cmrd::wire::AlarmChange;

/// The active alarm kinds of a channel.
using AlarmSet = std::set<cmr::AlarmKind>;

/// One channel: where it is, which alarms are active, the latest figures.
struct ChannelAlarms {
    std::string device;  ///< the device's name, e.g. "desk"
    std::string channel; ///< the channel id, "1/2" (a pair) or "7" (a single input)
    AlarmSet alarms;     ///< the active alarms; empty when the line is clear
    Figures figures;

    bool operator==(const ChannelAlarms&) const = default;
};

} // namespace cmrnotify
