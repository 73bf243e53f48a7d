// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/card_plan.hpp"

#include "cmr/layout.hpp"

#include "capture/capture_config.hpp"
#include "config/device_name.hpp"

namespace cmrd::config {
namespace {

/// The match keys of @p device that name @p card ("card, serial"), or nothing when the entry
/// is static or any of its keys differs.
std::optional<std::string> matched_keys(const DeviceConfig& device, const devices::CardInfo& card)
{
    if (device.is_static())
        return std::nullopt;
    std::string keys;
    const auto check = [&](const std::string& wanted, const std::string& actual, const char* key) {
        if (wanted.empty())
            return true;
        if (wanted != actual)
            return false;
        keys += keys.empty() ? key : std::string(", ") + key;
        return true;
    };
    if (!check(device.card, card.id, "card") || !check(device.serial, card.serial, "serial") ||
        !check(device.path, card.path, "path"))
        return std::nullopt;
    return keys;
}

} // namespace

std::optional<MonitorPlan> plan_for_card(const DaemonConfig& config, const devices::CardInfo& card)
{
    if (card.ignore)
        return std::nullopt;

    MonitorPlan plan;
    for (const DeviceConfig& device : config.devices)
        if (const std::optional<std::string> keys = matched_keys(device, card)) {
            plan.name = device.name;
            plan.device = &device;
            plan.reason = "config device '" + device.name + "' (" + *keys + ")";
            break;
        }
    if (plan.device == nullptr) {
        if (!card.monitor)
            return std::nullopt;
        plan.name = sanitize_device_name(card.id.empty() ? card.sysname : card.id);
        plan.reason = "udev CMRD_MONITOR=1";
    }

    plan.pcm = card.pcm.empty() ? capture::default_pcm_name(card.id) : card.pcm;
    if (plan.device != nullptr && !plan.device->channels.empty()) {
        plan.channels = plan.device->channels; // checked and canonical since loading
    } else if (!card.channels.empty()) {
        try {
            plan.channels = cmr::format_layout(cmr::parse_layout(card.channels));
        } catch (const cmr::LayoutError& error) {
            plan.error = "CMRD_CHANNELS \"" + card.channels + "\": " + error.what();
        }
    }
    const bool entry_sets_access = plan.device != nullptr && plan.device->access.has_value();
    if (!card.access.empty() && !entry_sets_access) {
        plan.access = capture::parse_access_mode(card.access);
        if (!plan.access)
            plan.error =
                "CMRD_ACCESS=\"" + card.access + "\": expected auto, exclusive, yield or shared";
    }
    return plan;
}

std::vector<const DeviceConfig*> static_devices(const DaemonConfig& config)
{
    std::vector<const DeviceConfig*> found;
    for (const DeviceConfig& device : config.devices)
        if (device.is_static())
            found.push_back(&device);
    return found;
}

MonitorPlan plan_for_static(const DeviceConfig& device)
{
    MonitorPlan plan;
    plan.name = device.name;
    plan.pcm = device.pcm;
    plan.channels = device.channels;
    plan.device = &device;
    plan.reason = "config device '" + device.name + "' (pcm)";
    return plan;
}

} // namespace cmrd::config
