// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/options.hpp"

#include <cstdlib>

// g++ 12 raises a false -Wnull-dereference inside CLI11's inlined string splitting.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include "service/version.hpp"

namespace cmrd::service {

ParsedOptions parse_options(int argc, char** argv)
{
    Options options;
    // Read once, before any thread exists.
    // NOLINTNEXTLINE(concurrency-mt-unsafe)
    if (const char* dir = std::getenv("STATE_DIRECTORY"); dir != nullptr && *dir != '\0') {
        // systemd may pass several colon-separated directories; ours is the first.
        const std::string dirs(dir);
        options.state_dir = dirs.substr(0, dirs.find(':'));
    }

    CLI::App app("cmrd: watches balanced audio lines for mains hum, ground loops and poor "
                 "common-mode rejection, and publishes it on D-Bus",
                 "cmrd");
    app.set_version_flag("--version", std::string(version));
    CLI::Option* config =
        app.add_option("--config", options.config_path,
                       "configuration file (default " CMRD_SYSCONFDIR "/cmrd/cmrd.toml)");
    app.add_option("--state-dir", options.state_dir,
                   "directory of the event log (default $STATE_DIRECTORY or /var/lib/cmrd)");
    app.add_option("--bus", options.bus,
                   "system (default), session, or a D-Bus address such as "
                   "unix:path=/run/dbus/system_bus_socket");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int status = app.exit(error);
        return ParsedOptions{std::nullopt, status == 0 ? 0 : 2};
    }
    options.config_explicit = config->count() > 0;
    return ParsedOptions{options, 0};
}

} // namespace cmrd::service
