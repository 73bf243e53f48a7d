// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmd_check.hpp
/// `cmrctl check [--warn-hum DBFS] [--crit-hum DBFS] [--min-cmrr DB] [CHANNEL...] [--bus BUS]`:
/// a monitoring plugin (Nagios, Icinga, Naemon...). Rules and perfdata are documented in
/// client/check_evaluation.hpp; exit statuses 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (cmrd not
/// running, a CHANNEL cmrd does not monitor, a bad command line).

namespace CLI {
class App;
} // namespace CLI

namespace cmrctl {

/// The name of the subcommand, for main.cpp's usage-error status (3 for check).
inline constexpr const char* check_command_name = "check";

/// Adds the `check` subcommand; its status (the plugin state) goes to @p exit_status.
void add_check_command(CLI::App& app, int& exit_status);

} // namespace cmrctl
