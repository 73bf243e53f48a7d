// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.hpp"

// g++ 12 raises a false -Wnull-dereference inside CLI11's inlined string splitting.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

namespace cmrdagent {

ParsedOptions parse_options(int argc, char** argv)
{
    Options options;
    CLI::App app("cmrd-agent: tells cmrd which sound cards the user's sound server (PipeWire, "
                 "JACK) reserves, holds cards for cmrd so that it gives them up whenever an "
                 "application asks, and captures the cards the server keeps through the server "
                 "for cmrd. Runs in the user's session.",
                 "cmrd-agent");
    app.set_version_flag("--version", std::string(CMRD_VERSION));
    app.add_option("--system-bus", options.system_bus,
                   "where cmrd runs: system (default; honours DBUS_SYSTEM_BUS_ADDRESS) or a "
                   "D-Bus address");
    app.add_option("--session-bus", options.session_bus,
                   "where the sound server reserves cards: session (default; "
                   "DBUS_SESSION_BUS_ADDRESS) or a D-Bus address");
    app.add_option("--jack-server", options.jack_server,
                   "the JACK server (jackd -n NAME) to capture a card JACK reserves through "
                   "(default: JACK_DEFAULT_SERVER, else \"default\")");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int status = app.exit(error);
        return ParsedOptions{std::nullopt, status == 0 ? 0 : 2};
    }
    return ParsedOptions{options, 0};
}

} // namespace cmrdagent
