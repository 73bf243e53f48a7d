// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmd_metrics.hpp
/// `cmrctl metrics [--bus BUS]`: every channel's figures and every device's counters in the
/// Prometheus text exposition format, on stdout (the metric families are listed in
/// client/metrics_exposition.hpp).
///
/// With node_exporter's textfile collector, a systemd timer refreshes a file in the
/// collector's directory (its --collector.textfile.directory; Debian:
/// /var/lib/prometheus/node-exporter). node_exporter may read the file at any moment, so it is
/// written under a temporary name in the same directory and renamed into place:
///
///   # /etc/systemd/system/cmrd-metrics.service
///   [Unit]
///   Description=Export cmrd's figures for node_exporter
///   [Service]
///   Type=oneshot
///   WorkingDirectory=/var/lib/prometheus/node-exporter
///   StandardOutput=truncate:/var/lib/prometheus/node-exporter/cmrd.prom.tmp
///   # '-': when cmrd is not running the file is still replaced (it says cmrd_up 0)
///   ExecStart=-/usr/bin/cmrctl metrics
///   ExecStartPost=/bin/mv cmrd.prom.tmp cmrd.prom
///
///   # /etc/systemd/system/cmrd-metrics.timer
///   [Unit]
///   Description=Export cmrd's figures for node_exporter every 15 s
///   [Timer]
///   OnBootSec=15s
///   OnUnitActiveSec=15s
///   AccuracySec=1s
///   [Install]
///   WantedBy=timers.target
///
///   systemctl enable --now cmrd-metrics.timer
///
/// From cron or a script, `cmrctl metrics | sponge DIR/cmrd.prom` (moreutils) or
/// `cmrctl metrics > DIR/cmrd.prom.tmp; mv DIR/cmrd.prom.tmp DIR/cmrd.prom` do the same. An
/// alert on `cmrd_up == 0` then fires when cmrd stops, instead of stale figures lingering.

namespace CLI {
class App;
} // namespace CLI

namespace cmrctl {

/// Adds the `metrics` subcommand. Exit statuses: 0; 3 when cmrd is not running (the output is
/// then `cmrd_up 0`, still a valid exposition).
void add_metrics_command(CLI::App& app, int& exit_status);

} // namespace cmrctl
