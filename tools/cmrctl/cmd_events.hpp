// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmd_events.hpp
/// `cmrctl events [--since TIME] [--json] [--bus BUS]`: the alarm history cmrd keeps in its
/// event log (it survives restarts), oldest first.

#include <string>
#include <vector>

#include "client/wire_types.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace cmrctl {

/// Adds the `events` subcommand. Exit statuses: 0, 2 (a --since that cannot be read), 3 (cmrd
/// not running).
void add_events_command(CLI::App& app, int& exit_status);

/// The events table: local time, device, channel, alarm, action, hum, CM hum, CMRR.
[[nodiscard]] std::string format_events_table(const std::vector<client::AlarmChange>& events);

} // namespace cmrctl
