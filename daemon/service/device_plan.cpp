// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/device_plan.hpp"

#include <memory>

#include "cmr/layout.hpp"

#include "config/card_plan.hpp"
#include "config/effective_settings.hpp"

namespace cmrd::service {
namespace {

capture::CaptureConfig capture_config(const config::DaemonConfig& config,
                                      const config::DeviceConfig* device, std::string pcm,
                                      const std::string& channels)
{
    const config::CaptureSettings settings = config::capture_for(config, device);
    capture::CaptureConfig c;
    c.pcm = std::move(pcm);
    c.layout = channels.empty() ? cmr::Layout{} : cmr::parse_layout(channels);
    c.rate = settings.rate;
    c.period_us = settings.period_us;
    c.buffer_us = settings.buffer_us;
    c.realtime.enabled = settings.realtime;
    c.realtime.priority = settings.priority;
    c.access = settings.access;
    c.analysis.mains = config.analysis.mains;
    c.analysis.harmonics = static_cast<int>(config.analysis.harmonics);
    return c;
}

/// Thresholds looked up in a copy of the configuration the device was planned with, so a
/// device never reads a configuration that a reload has replaced.
std::function<cmr::AlarmThresholds(const std::string&)>
thresholds_lookup(const config::DaemonConfig& config, const config::DeviceConfig* device)
{
    auto own = std::make_shared<const config::DaemonConfig>(config);
    const config::DeviceConfig* own_device =
        device != nullptr ? config::find_device(*own, device->name) : nullptr;
    return [own, own_device](const std::string& channel_id) {
        return config::thresholds_for(*own, own_device, channel_id);
    };
}

void add(DevicePlan& plan, const std::string& name, PlannedDevice device)
{
    if (plan.devices.contains(name)) {
        plan.problems.push_back("device name '" + name + "' is taken (" +
                                (device.syspath.empty() ? "config" : device.syspath) +
                                " not monitored)");
        return;
    }
    device.capture_key = capture_key_of(device.setup);
    plan.devices.emplace(name, std::move(device));
}

} // namespace

DevicePlan plan_devices(const config::DaemonConfig& config,
                        const std::map<std::string, devices::CardInfo>& cards)
{
    DevicePlan plan;
    for (const config::DeviceConfig& device : config.devices) {
        if (!device.is_static())
            continue;
        PlannedDevice planned;
        planned.setup.identity = DeviceIdentity{device.name, device.pcm, "config", "", ""};
        planned.setup.capture = capture_config(config, &device, device.pcm, device.channels);
        planned.setup.thresholds = thresholds_lookup(config, &device);
        planned.setup.reopen_when_gone = true;
        add(plan, device.name, std::move(planned));
    }
    for (const auto& [syspath, card] : cards) {
        const std::optional<config::MonitorPlan> wanted = config::plan_for_card(config, card);
        if (!wanted)
            continue;
        if (!wanted->error.empty()) {
            plan.problems.push_back(card.sysname + " (" + card.id + "): " + wanted->error);
            continue;
        }
        try {
            PlannedDevice planned;
            planned.syspath = syspath;
            planned.setup.identity =
                DeviceIdentity{wanted->name, wanted->pcm, "udev", card.id, card.model, card.number};
            planned.setup.capture =
                capture_config(config, wanted->device, wanted->pcm, wanted->channels);
            planned.setup.capture.card_index = card.number;
            if (wanted->access)
                planned.setup.capture.access = *wanted->access;
            planned.setup.thresholds = thresholds_lookup(config, wanted->device);
            add(plan, wanted->name, std::move(planned));
        } catch (const cmr::LayoutError& e) {
            plan.problems.push_back(card.sysname + " (" + card.id + "): " + e.what());
        }
    }
    return plan;
}

} // namespace cmrd::service
