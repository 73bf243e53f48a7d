// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.hpp"

// g++ 12 raises a false -Wnull-dereference inside CLI11's inlined string splitting.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

namespace cmrnotify {

ParsedOptions parse_options(int argc, char** argv)
{
    Options options;
    CLI::App app("cmr-notify: desktop notifications of cmrd's alarms (ground loops, hum, poor "
                 "common-mode rejection, wiring faults). Runs in the user's session.",
                 "cmr-notify");
    app.set_version_flag("--version", std::string(CMRD_VERSION));
    app.add_option("--system-bus", options.system_bus,
                   "where cmrd runs: system (default; honours DBUS_SYSTEM_BUS_ADDRESS) or a "
                   "D-Bus address");
    app.add_option("--session-bus", options.session_bus,
                   "where the notification server runs: session (default; "
                   "DBUS_SESSION_BUS_ADDRESS) or a D-Bus address");
    app.add_option("--min-interval", options.min_interval_s,
                   "at most one update per channel in this many seconds; changes in between "
                   "are coalesced (default 10)")
        ->check(CLI::Range(0.0, 3600.0));
    app.add_option("--settle", options.settle_s,
                   "after cmrd (re)starts, seconds to let its alarms come back before telling "
                   "what changed (default 20)")
        ->check(CLI::Range(0.0, 3600.0));
    app.add_option("--hum-dbfs", options.hum_dbfs,
                   "hum in the signal at or above this makes a ground loop critical (default "
                   "-80, cmrd's default hum threshold)")
        ->check(CLI::Range(-200.0, 0.0));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int status = app.exit(error);
        return ParsedOptions{std::nullopt, status == 0 ? 0 : 2};
    }
    return ParsedOptions{options, 0};
}

} // namespace cmrnotify
