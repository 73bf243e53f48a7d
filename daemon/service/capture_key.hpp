// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file capture_key.hpp
/// The settings a device's capture runs with: the device manager restarts a running device
/// only when its key changes (alarm thresholds are not in it; they are applied in place).

#include <string>

#include "cmr/analyzer.hpp"

#include "service/device_setup.hpp"

namespace cmrd::service {

struct CaptureKey {
    std::string origin; ///< a static device and a udev card of one name are not the same
    std::string pcm;
    std::string layout; ///< as cmr::format_layout() writes it
    unsigned rate = 0;
    unsigned period_us = 0;
    unsigned buffer_us = 0;
    bool realtime = false;
    int realtime_priority = 0;
    capture::AccessMode access = capture::AccessMode::automatic;
    cmr::MainsMode mains = cmr::MainsMode::automatic;
    int harmonics = 0;

    friend bool operator==(const CaptureKey&, const CaptureKey&) = default;
};

/// The key of @p setup's capture settings and origin.
[[nodiscard]] CaptureKey capture_key_of(const DeviceSetup& setup);

} // namespace cmrd::service
