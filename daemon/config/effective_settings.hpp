// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file effective_settings.hpp
/// The settings that apply to one device or channel: global values with the device's and the
/// channel's overrides on top.

#include <string_view>

#include "cmr/alarm_engine.hpp"

#include "config/daemon_config.hpp"

namespace cmrd::config {

/// Offset between a raise level and the clear level that follows it when only the raise level
/// is given: hum and ground_loop clear 3 dB below, cmrr_low clears 3 dB above.
inline constexpr double derived_clear_offset_db = 3.0;

/// @p base with every set member of @p overrides replacing it. A raise level set without its
/// clear level brings the clear level along (hum_clear_dbfs = hum_dbfs - 3, the same for
/// ground_loop, cmrr_clear_db = cmrr_min_db + 3), so that raising a threshold never leaves an
/// inherited clear level on the wrong side of it.
[[nodiscard]] cmr::AlarmThresholds apply_overrides(cmr::AlarmThresholds base,
                                                   const AlarmOverrides& overrides);

/// The thresholds of one channel: the global [alarms], then @p device's [device.alarms], then
/// its [[device.channel]] entry whose id is @p channel_id (canonical form, "1/2" or "7").
/// @param device nullptr for a card monitored through udev alone (global thresholds apply).
[[nodiscard]] cmr::AlarmThresholds
thresholds_for(const DaemonConfig& config, const DeviceConfig* device, std::string_view channel_id);

/// The capture settings of one device: [capture] with the device's [device.capture] rate and
/// period on top. @param device nullptr when no config entry describes the device.
[[nodiscard]] CaptureSettings capture_for(const DaemonConfig& config, const DeviceConfig* device);

/// The [[device]] entry called @p name, or nullptr.
[[nodiscard]] const DeviceConfig* find_device(const DaemonConfig& config, std::string_view name);

} // namespace cmrd::config
