// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file options.hpp
/// cmrd-agent's command line.

#include <optional>
#include <string>

namespace cmrdagent {

struct Options {
    /// Where cmrd is: "system" (honours DBUS_SYSTEM_BUS_ADDRESS) or a D-Bus address.
    std::string system_bus = "system";
    /// Where the user's sound server reserves its cards: "session" (DBUS_SESSION_BUS_ADDRESS)
    /// or a D-Bus address.
    std::string session_bus = "session";
    /// The JACK server to capture through for a card JACK reserves ("" for the default one,
    /// as JACK_DEFAULT_SERVER says).
    std::string jack_server;
};

/// The options, or the exit status when the process should end at once (--help, --version:
/// 0; a usage error: 2, message already printed).
struct ParsedOptions {
    std::optional<Options> options;
    int exit_status = 0;
};
[[nodiscard]] ParsedOptions parse_options(int argc, char** argv);

} // namespace cmrdagent
