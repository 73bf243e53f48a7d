// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file options.hpp
/// cmr-notify's command line.

#include <optional>
#include <string>

namespace cmrnotify {

struct Options {
    /// Where cmrd is: "system" (the system bus; honours DBUS_SYSTEM_BUS_ADDRESS), or a D-Bus
    /// address such as unix:path=/run/dbus/system_bus_socket.
    std::string system_bus = "system";
    /// Where the notification server is: "session" (DBUS_SESSION_BUS_ADDRESS), or an address.
    std::string session_bus = "session";
    /// At most one notification update per channel in this many seconds.
    double min_interval_s = 10.0;
    /// After cmrd (re)starts, seconds to let its alarms come back before comparing.
    double settle_s = 20.0;
    /// Hum in the signal at or above this (dBFS) makes a ground loop critical.
    double hum_dbfs = -80.0;
};

/// The options, or the exit status when the process should end at once (--help, --version:
/// 0; a usage error: 2, message already printed).
struct ParsedOptions {
    std::optional<Options> options;
    int exit_status = 0;
};
[[nodiscard]] ParsedOptions parse_options(int argc, char** argv);

} // namespace cmrnotify
