// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/effective_settings.hpp"

#include <algorithm>

namespace cmrd::config {

cmr::AlarmThresholds apply_overrides(cmr::AlarmThresholds base, const AlarmOverrides& overrides)
{
    const auto take = [](double& target, const std::optional<double>& value) {
        if (value)
            target = *value;
    };
    if (overrides.hum_dbfs)
        base.hum_clear_dbfs = *overrides.hum_dbfs - derived_clear_offset_db;
    if (overrides.ground_loop_dbfs)
        base.ground_loop_clear_dbfs = *overrides.ground_loop_dbfs - derived_clear_offset_db;
    if (overrides.cmrr_min_db)
        base.cmrr_clear_db = *overrides.cmrr_min_db + derived_clear_offset_db;
    // Explicit clear levels come after the derived ones and win over them.
    take(base.hum_dbfs, overrides.hum_dbfs);
    take(base.hum_clear_dbfs, overrides.hum_clear_dbfs);
    take(base.ground_loop_dbfs, overrides.ground_loop_dbfs);
    take(base.ground_loop_clear_dbfs, overrides.ground_loop_clear_dbfs);
    take(base.cmrr_min_db, overrides.cmrr_min_db);
    take(base.cmrr_clear_db, overrides.cmrr_clear_db);
    take(base.hold_s, overrides.hold_s);
    take(base.clear_s, overrides.clear_s);
    take(base.cmrr_hold_s, overrides.cmrr_hold_s);
    take(base.wiring_hold_s, overrides.wiring_hold_s);
    return base;
}

cmr::AlarmThresholds thresholds_for(const DaemonConfig& config, const DeviceConfig* device,
                                    std::string_view channel_id)
{
    cmr::AlarmThresholds thresholds = config.alarms;
    if (device == nullptr)
        return thresholds;
    thresholds = apply_overrides(thresholds, device->alarms);
    const auto channel =
        std::find_if(device->channels_cfg.begin(), device->channels_cfg.end(),
                     [&](const ChannelConfig& entry) { return entry.id == channel_id; });
    if (channel != device->channels_cfg.end())
        thresholds = apply_overrides(thresholds, channel->alarms);
    return thresholds;
}

CaptureSettings capture_for(const DaemonConfig& config, const DeviceConfig* device)
{
    CaptureSettings settings = config.capture;
    if (device != nullptr) {
        settings.rate = device->rate.value_or(settings.rate);
        settings.period_us = device->period_us.value_or(settings.period_us);
    }
    return settings;
}

const DeviceConfig* find_device(const DaemonConfig& config, std::string_view name)
{
    const auto found =
        std::find_if(config.devices.begin(), config.devices.end(),
                     [&](const DeviceConfig& device) { return device.name == name; });
    return found == config.devices.end() ? nullptr : &*found;
}

} // namespace cmrd::config
