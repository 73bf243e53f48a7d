// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd_metrics.hpp"

#include <iostream>
#include <memory>
#include <string>

#include "cli11.hpp"
#include "client/cmrd_client.hpp"
#include "client/cmrd_errors.hpp"
#include "client/command_support.hpp"
#include "client/metrics_exposition.hpp"
#include "exit_status.hpp"

namespace cmrctl {
namespace {

int run_metrics(const std::string& bus)
{
    std::string text;
    try {
        client::CmrdClient cmrd{client::BusTarget(bus)};
        const client::DaemonFacts daemon{cmrd.version(), cmrd.events_not_stored()};
        text = client::metrics_exposition(cmrd.read_objects().devices(), daemon);
    } catch (const client::CmrdUnavailable&) {
        // Still a valid exposition, so the collector's file says "down" instead of going stale.
        std::cout << client::metrics_exposition_down() << std::flush;
        throw; // and the usual line on stderr, status 3
    }
    std::cout << text << std::flush;
    return exit_ok;
}

} // namespace

void add_metrics_command(CLI::App& app, int& exit_status)
{
    auto bus = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand(
        "metrics", "Print every figure in the Prometheus text format (node_exporter textfile)");
    command->footer(
        "Families: cmrd_up, cmrd_info, cmrd_events_not_stored_total, "
        "cmrd_device_{up,state,sample_rate_hertz,realtime,"
        "overruns_total,restarts_total}, cmrd_{mains_hz,level_dbfs,hum_dbfs,"
        "hum_harmonic_dbfs,cm_hum_dbfs,cm_hum_harmonic_dbfs,cmrr_db,leg_gain_db,symmetry,"
        "alarm_active,analysed_seconds}, labelled by device, channel and kind/k/alarm/state/"
        "symmetry. Figures cmrd could not measure are left out, never NaN.\n"
        "For node_exporter: run it from a timer and rename the output into the textfile "
        "collector's directory (cmrctl metrics > DIR/cmrd.prom.tmp; mv DIR/cmrd.prom.tmp "
        "DIR/cmrd.prom).\n"
        "Exit status: 0; 3 when cmrd is not running (the output is then cmrd_up 0).");
    client::add_bus_option(*command, *bus);
    command->callback([bus, &exit_status] {
        exit_status = client::run_reporting_errors("metrics", [&] { return run_metrics(*bus); });
    });
}

} // namespace cmrctl
