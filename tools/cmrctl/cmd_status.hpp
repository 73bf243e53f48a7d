// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmd_status.hpp
/// `cmrctl status [DEVICE[/CHANNEL]...] [--json] [--bus BUS]`: what cmrd measures now, as a
/// table or as JSON: `{"devices": [{"name", "pcm", "state", "sample_rate", "overruns",
/// "realtime", ..., "channels": [<design.md's channel object>, ...]}]}`.

#include <string>
#include <vector>

#include "client/wire_types.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace cmrctl {

/// Adds the `status` subcommand. Its exit status goes to @p exit_status: 0, 1 (a name cmrd
/// does not monitor), 3 (cmrd not running).
void add_status_command(CLI::App& app, int& exit_status);

/// The status table: device, channel, mains Hz, hum and common-mode hum (dBFS), CMRR with its
/// kind ("61.1", ">= 52.3", "-"), symmetry, alarm(s), device state and overruns; a device
/// without channels gets one row with "-" for the channel.
[[nodiscard]] std::string format_status_table(const std::vector<client::DeviceView>& devices);

/// The channel's active alarms for a table cell: "none", "ground_loop", "hum,cmrr_low" (the
/// most severe first).
[[nodiscard]] std::string format_alarms(const client::ChannelState& channel);

} // namespace cmrctl
