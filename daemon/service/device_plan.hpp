// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file device_plan.hpp
/// Which devices should be monitored, and how, for a configuration and the cards udev has
/// shown: the target the device manager brings the running devices to.

#include <map>
#include <string>
#include <vector>

#include "config/daemon_config.hpp"
#include "devices/card_info.hpp"
#include "service/capture_key.hpp"
#include "service/device_setup.hpp"

namespace cmrd::service {

/// One device to monitor.
struct PlannedDevice {
    DeviceSetup setup;
    std::string syspath; ///< the udev card's syspath; empty for a static device
    /// Everything that needs the capture restarted when it changes (thresholds do not).
    CaptureKey capture_key;
};

/// The plan, by device name, plus the problems found while making it (a card with a broken
/// CMRD_CHANNELS, two devices claiming one name...), one readable line each.
struct DevicePlan {
    std::map<std::string, PlannedDevice> devices;
    std::vector<std::string> problems;
};

/// Static devices from @p config, then the cards of @p cards that config or udev ask for.
[[nodiscard]] DevicePlan plan_devices(const config::DaemonConfig& config,
                                      const std::map<std::string, devices::CardInfo>& cards);

} // namespace cmrd::service
