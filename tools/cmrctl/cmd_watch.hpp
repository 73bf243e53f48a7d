// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmd_watch.hpp
/// `cmrctl watch [--json] [--on-alarm CMD] [--on-clear CMD] [--bus BUS]`: follows cmrd live,
/// driven by its signals only (PropertiesChanged, AlarmRaised/AlarmCleared,
/// InterfacesAdded/InterfacesRemoved and the bus's NameOwnerChanged), never polling. It
/// outlives cmrd restarts ("cmrd went away" ... "cmrd is back", then the objects are read
/// again) and ends cleanly, with status 0, on SIGINT (Ctrl-C) or SIGTERM. cmrd must be running
/// when the watch starts (otherwise: one line, status 3, as every command).
///
/// Human output: one line per alarm change, a compact status line per channel whenever its
/// figures change as printed (cmrd already publishes at most twice a second), a line per
/// device appearing, going or changing state, and per cmrd stop and start.
///
/// --json prints one JSON object per line (JSON Lines), each with a "type":
///   {"type":"daemon","action":"running"|"stopped"|"started","time":T,"version":V|null}
///   {"type":"device","action":"added"|"changed"|"removed","time":T,"device":DEVICE}
///   {"type":"channel","action":"added"|"changed"|"removed","time":T,"device":NAME,
///    "id":"1/2","active_alarms":[...],"channel":CHANNEL|null}
///   {"type":"alarm","time":T,"seq":N,"device":NAME,"channel":"1/2","alarm":A,
///    "action":"raised"|"cleared","mains_hz":..,"hum_dbfs":..,"cm_hum_dbfs":..,"cmrr_db":..,
///    "cmrr_kind":..,"symmetry":..,"value":..,"stream_time_s":..}
/// T is ISO 8601 UTC (for alarms cmrd's time of decision, otherwise when the watch heard of
/// it); DEVICE is `status --json`'s device object without "channels"; CHANNEL is design.md's
/// channel object (null once removed). At start (and after "started") every device and
/// channel is announced as "added"; when cmrd stops, its objects are gone without further
/// lines. Unknown figures are null.
///
/// Hooks: --on-alarm runs `/bin/sh -c CMD` for every alarm raised, --on-clear for every alarm
/// cleared, with CMRD_DEVICE, CMRD_CHANNEL, CMRD_ALARM, CMRD_ACTION, CMRD_HUM_DBFS,
/// CMRD_CM_HUM_DBFS, CMRD_CMRR_DB, CMRD_CMRR_KIND, CMRD_MAINS_HZ, CMRD_SYMMETRY, CMRD_VALUE,
/// CMRD_SEQUENCE and CMRD_TIME (ISO 8601) in its environment; a variable whose figure is
/// unknown is unset. Hooks run in the background (the watch never waits for them; a failing
/// hook is reported on stderr); their stdin is /dev/null and, with --json, their stdout is the
/// watch's stderr. Alarms already active when the watch starts (or cmrd comes back) run no
/// hook: only changes do.

namespace CLI {
class App;
} // namespace CLI

namespace cmrctl {

/// Adds the `watch` subcommand. Exit statuses: 0 after SIGINT/SIGTERM; 3 when cmrd is not
/// running at start or the bus connection is lost; 1 for anything else.
void add_watch_command(CLI::App& app, int& exit_status);

} // namespace cmrctl
