// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file options.hpp
/// cmrd's command line.

#include <optional>
#include <string>

namespace cmrd::service {

struct Options {
    /// The configuration file. When not given on the command line, SYSCONFDIR/cmrd/cmrd.toml
    /// (/etc/cmrd/cmrd.toml in a --prefix=/usr build, where `meson install` puts it) is
    /// read if it exists, and built-in defaults apply if it does not; a file named with
    /// --config must exist.
    std::string config_path = CMRD_SYSCONFDIR "/cmrd/cmrd.toml";
    bool config_explicit = false;
    /// Where the event log lives: --state-dir, else $STATE_DIRECTORY (set by systemd's
    /// StateDirectory=), else /var/lib/cmrd.
    std::string state_dir = "/var/lib/cmrd";
    /// "system", "session", or a D-Bus address (unix:path=...).
    std::string bus = "system";
};

/// Parses the command line. Returns the options, or the exit status when the process should
/// end at once (--help, --version: 0; a usage error: 2, message already printed).
struct ParsedOptions {
    std::optional<Options> options;
    int exit_status = 0;
};
[[nodiscard]] ParsedOptions parse_options(int argc, char** argv);

} // namespace cmrd::service
