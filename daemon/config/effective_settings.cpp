// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/effective_settings.hpp"

#include <algorithm>
#include <optional>

#include "config/alarm_keys.hpp"

namespace cmrd::config {

cmr::AlarmThresholds apply_overrides(cmr::AlarmThresholds base, const AlarmOverrides& overrides)
{
    // A raise level brings its clear level along, derived_clear_offset_db on the clear side...
    for (const AlarmKey& clear : alarm_keys) {
        if (clear.side == ClearSide::none)
            continue;
        if (const std::optional<double>& raise = overrides.*alarm_keys[clear.raise].override_value)
            base.*clear.threshold = clear.side == ClearSide::below
                                        ? *raise - derived_clear_offset_db
                                        : *raise + derived_clear_offset_db;
    }
    // ...then every key given is taken: explicit clear levels win over derived ones.
    for (const AlarmKey& key : alarm_keys)
        if (const std::optional<double>& value = overrides.*key.override_value)
            base.*key.threshold = *value;
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
        settings.access = device->access.value_or(settings.access);
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
