// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmd_reload.hpp
/// `cmrctl reload [--bus BUS]`: asks cmrd to re-read its configuration file (as SIGHUP does).
/// Administrators only (root, or the group cmrd was built with).

namespace CLI {
class App;
} // namespace CLI

namespace cmrctl {

/// The one line printed when cmrd (or the bus policy) refuses the caller; exit status 4.
inline constexpr const char* reload_denied_message =
    "cmrctl: permission denied: reloading cmrd's configuration is for administrators (root)";

/// Adds the `reload` subcommand. Exit statuses: 0 reloaded; 1 the new configuration is broken
/// (cmrd's message, naming file, line and key, is printed; the running configuration stays);
/// 3 cmrd is not running; 4 permission denied.
void add_reload_command(CLI::App& app, int& exit_status);

} // namespace cmrctl
