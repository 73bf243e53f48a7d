// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file notification_text.hpp
/// The words of cmr-notify's notifications: which device and line, the figures, and what to
/// check. Pure functions of the channel state, so every sentence is unit-tested.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "channel_alarms.hpp"
#include "notification.hpp"

namespace cmrnotify {

struct TextSettings {
    /// Hum in the signal at or above this level reaches the listener: a ground loop with that
    /// much hum in D is critical even before cmrd's own `hum` alarm has been held long
    /// enough. cmrd's default [alarms] hum_dbfs.
    double hum_dbfs = -80.0;
    /// How long a "resolved" notification stays on screen, milliseconds.
    std::int32_t resolved_timeout_ms = 10000;
};

/// Why a summary is shown: cmr-notify started while alarms were active, or cmrd came back
/// (restarted) with a different set of alarms than before.
enum class SummaryReason { startup, cmrd_restarted };

/// "line 1/2" for a balanced pair, "input 7" for a single input.
[[nodiscard]] std::string line_name(std::string_view channel_id);

/// A human name of an alarm kind: "ground loop", "hum", "poor common-mode rejection",
/// "wiring fault".
[[nodiscard]] std::string alarm_name(cmr::AlarmKind alarm);

/// Whether hum reaches what the listener hears: a `hum` alarm, or a `ground_loop` whose hum
/// in the signal (hum_dbfs) is at or above settings.hum_dbfs.
[[nodiscard]] bool hum_reaches_signal(const ChannelAlarms& channel, const TextSettings& settings);

/// Critical when hum reaches the signal, normal for any other active alarm (a ground loop the
/// link rejects, poor CMRR, wiring), low when the channel is clear.
[[nodiscard]] Urgency alarm_urgency(const ChannelAlarms& channel, const TextSettings& settings);

/// The notification of a channel with active alarms: the summary names the most severe
/// alarm, the device and the line; the body has one paragraph per alarm with its figures and
/// what to check. Expiry is left to the server.
[[nodiscard]] Notification alarm_notification(const ChannelAlarms& channel,
                                              const TextSettings& settings);

/// The notification of a channel whose last alarm cleared: low urgency, expires after
/// settings.resolved_timeout_ms. @p cleared: the alarms the user was last told about.
[[nodiscard]] Notification resolved_notification(const ChannelAlarms& channel,
                                                 const AlarmSet& cleared,
                                                 const TextSettings& settings);

/// One notification for many alarms (instead of one per channel): "cmrd: 3 alarms active on
/// desk", with a line per channel. Channels without alarms are left out; with none at all
/// (possible after a restart) it says every line is clear.
[[nodiscard]] Notification summary_notification(const std::vector<ChannelAlarms>& channels,
                                                SummaryReason reason, const TextSettings& settings);

} // namespace cmrnotify
