// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file command_support.hpp
/// What every live command shares: the `--bus` option, and turning a failure into one line
/// on stderr and an exit status (exit_status.hpp), never a trace.

#include <exception>
#include <functional>
#include <string>

namespace CLI {
class App;
} // namespace CLI

namespace cmrctl::client {

/// The default of --bus when $CMRCTL_BUS is not set.
inline constexpr const char* default_bus = "system";

/// Adds `--bus system|session|ADDRESS` to @p command, stored in @p bus (default: $CMRCTL_BUS,
/// else "system").
void add_bus_option(CLI::App& command, std::string& bus);

/// Runs @p body and returns its exit status; an exception becomes one line on stderr:
/// "cmrctl: cmrd is not running on the system bus" (status 3), "cmrctl: permission denied:
/// ..." (4), "cmrctl COMMAND: ..." (1) for anything else.
/// @param command the subcommand's name, for messages.
[[nodiscard]] int run_reporting_errors(const std::string& command,
                                       const std::function<int()>& body);

} // namespace cmrctl::client
