// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd_check.hpp"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli11.hpp"
#include "client/check_evaluation.hpp"
#include "client/cmrd_client.hpp"
#include "client/cmrd_errors.hpp"
#include "client/command_support.hpp"
#include "client/selection.hpp"

namespace cmrctl {
namespace {

struct CheckOptions {
    std::string bus;
    std::vector<std::string> names;
    client::CheckThresholds thresholds;
};

client::CheckResult evaluate(const CheckOptions& options)
{
    try {
        client::CmrdClient cmrd{client::BusTarget(options.bus)};
        return client::evaluate_check(client::select(cmrd.read_objects().devices(), options.names),
                                      options.thresholds);
    } catch (const client::CmrdUnavailable& e) {
        return client::unknown_check(e.what());
    } catch (const client::UnknownSelection& e) {
        return client::unknown_check(e.what());
    } catch (const std::exception& e) {
        // A monitoring system reads stdout: even an internal error is one UNKNOWN line there.
        return client::unknown_check(std::string("cannot check: ") + e.what());
    }
}

} // namespace

void add_check_command(CLI::App& app, int& exit_status)
{
    auto options = std::make_shared<CheckOptions>();
    CLI::App* command = app.add_subcommand(
        check_command_name, "Monitoring plugin: one status line with perfdata, exit 0 OK, "
                            "1 WARNING, 2 CRITICAL, 3 UNKNOWN");
    command->footer(
        "CRITICAL: hum on the signal (D of a pair) at or above --crit-hum, or a wiring alarm "
        "(legs in phase).\n"
        "WARNING: hum at or above --warn-hum, any other active alarm (hum, ground_loop, "
        "cmrr_low), a measured CMRR below --min-cmrr, a device that is not capturing.\n"
        "UNKNOWN: cmrd is not running, a CHANNEL it does not monitor, a bad command line, "
        "nothing to check.\n"
        "Perfdata per channel: 'DEVICE_H_C_hum_dbfs', 'DEVICE_H_C_cm_hum_dbfs', "
        "'DEVICE_H_C_cmrr_db' (measured) or 'DEVICE_H_C_cmrr_lower_bound_db'; U when not "
        "measured.\n"
        "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
    command
        ->add_option("--warn-hum", options->thresholds.warn_hum_dbfs,
                     "WARNING when the hum on the signal reaches this level")
        ->type_name("DBFS")
        ->capture_default_str();
    command
        ->add_option("--crit-hum", options->thresholds.crit_hum_dbfs,
                     "CRITICAL when the hum on the signal reaches this level")
        ->type_name("DBFS")
        ->capture_default_str();
    command
        ->add_option("--min-cmrr", options->thresholds.min_cmrr_db,
                     "WARNING when a measured CMRR is below this")
        ->type_name("DB")
        ->capture_default_str();
    command
        ->add_option("CHANNEL", options->names,
                     "What to check: a device (all its channels) or DEVICE/CHANNEL, e.g. "
                     "desk/1/2 (default: everything)")
        ->type_name("DEVICE[/CHANNEL]");
    client::add_bus_option(*command, options->bus);
    command->callback([options, &exit_status] {
        const client::CheckResult result = evaluate(*options);
        std::cout << result.line << '\n' << std::flush;
        exit_status = static_cast<int>(result.state);
    });
}

} // namespace cmrctl
