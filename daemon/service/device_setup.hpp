// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file device_setup.hpp
/// What a device is and how to monitor it, as plain data: the planner (device_plan.hpp)
/// produces it without knowing about D-Bus or capture threads, MonitoredDevice consumes it.

#include <functional>
#include <string>

#include "cmr/alarm_engine.hpp"

#include "capture/capture_config.hpp"

namespace cmrd::service {

/// What identifies a device; fixed for the object's life.
struct DeviceIdentity {
    std::string name;   ///< config name or card id
    std::string pcm;    ///< ALSA PCM captured
    std::string origin; ///< "udev" or "config"
    std::string card_id;
    std::string model;
    /// udev's ALSA card index of the card, -1 for a configured device (whose hw: or plughw:
    /// PCM name is resolved when needed: its index may change while cmrd runs). Where to look
    /// for whoever holds the card.
    int card_number = -1;
};

/// Everything needed to start monitoring a device.
struct DeviceSetup {
    DeviceIdentity identity;
    capture::CaptureConfig capture; ///< pcm and layout (empty = default pairs) included
    /// Alarm thresholds of a channel, by channel id ("1/2").
    std::function<cmr::AlarmThresholds(const std::string& channel_id)> thresholds;
    /// Static devices are reopened after they disconnect or fail; udev cards wait for udev.
    bool reopen_when_gone = false;
};

/// An alarm that was active on a channel when cmrd last stored an event (the event log's
/// still_raised()): restored without an event when the channel comes up again.
struct RestoredAlarm {
    std::string channel_id; ///< "1/2"
    cmr::AlarmKind kind = cmr::AlarmKind::none;
};

} // namespace cmrd::service
