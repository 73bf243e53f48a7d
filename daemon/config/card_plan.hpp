// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file card_plan.hpp
/// Which devices cmrd monitors, and how: the pure decision for a card udev reports (its
/// CMRD_* properties against the config's [[device]] matches) and for static devices.

#include <optional>
#include <string>
#include <vector>

#include "config/daemon_config.hpp"
#include "devices/card_info.hpp"

namespace cmrd::config {

/// How one device is to be monitored. `device` points into the DaemonConfig the plan was
/// made from: make the plans again after a reload.
struct MonitorPlan {
    std::string name;     ///< device name (object paths, output): a valid device name
    std::string pcm;      ///< ALSA PCM to open
    std::string channels; ///< canonical layout string; empty: consecutive pairs of all inputs
    /// The card's CMRD_ACCESS, unless its entry sets `access` itself; nullopt: the entry's or
    /// [capture]'s (capture_for()).
    std::optional<capture::AccessMode> access;
    const DeviceConfig* device = nullptr; ///< the config entry behind it, nullptr if none
    /// Why it is monitored, for logs: "udev CMRD_MONITOR=1", "config device 'desk' (serial)".
    std::string reason;
    /// Non-empty when the device was asked for but cannot be monitored as asked (a malformed
    /// CMRD_CHANNELS or CMRD_ACCESS): report it and do not open the device, rather than measure the
    /// wrong inputs.
    std::string error;
};

/// Decides whether and how a card is monitored:
/// 1. CMRD_IGNORE=1 wins: nothing.
/// 2. The first udev-match [[device]] entry (file order) whose every given key (card id,
///    ID_SERIAL, ID_PATH) equals the card's: monitored under the entry's name.
/// 3. Else CMRD_MONITOR=1: monitored under the card id (sanitised to a device name).
/// 4. Else nothing: cmrd never grabs a card nobody asked for.
/// The PCM is CMRD_PCM if set, else `hw:CARD=<id>,DEV=0`. The layout is the entry's
/// `channels` when it has one (the machine's own, more specific statement), else
/// CMRD_CHANNELS, else empty (default pairs).
[[nodiscard]] std::optional<MonitorPlan> plan_for_card(const DaemonConfig& config,
                                                       const devices::CardInfo& card);

/// The static devices ([[device]] entries with `pcm`), in file order.
[[nodiscard]] std::vector<const DeviceConfig*> static_devices(const DaemonConfig& config);

/// The plan of a static device: its name, PCM and layout as configured.
[[nodiscard]] MonitorPlan plan_for_static(const DeviceConfig& device);

} // namespace cmrd::config
