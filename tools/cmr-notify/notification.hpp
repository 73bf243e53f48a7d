// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file notification.hpp
/// A desktop notification as cmr-notify hands it to org.freedesktop.Notifications.Notify.

#include <cstdint>
#include <string>

namespace cmrnotify {

/// The "urgency" hint of the Desktop Notifications Specification (a byte on the bus).
enum class Urgency : std::uint8_t { low = 0, normal = 1, critical = 2 };

struct Notification {
    std::string summary; ///< one line naming device and line
    std::string body;    ///< figures and what to check; plain text (no markup characters)
    std::string icon;    ///< a freedesktop icon name
    Urgency urgency = Urgency::normal;
    /// Milliseconds before the server hides it; -1 leaves it to the server, 0 never.
    std::int32_t expire_timeout_ms = -1;

    bool operator==(const Notification&) const = default;
};

} // namespace cmrnotify
