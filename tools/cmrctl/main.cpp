// SPDX-License-Identifier: GPL-2.0-or-later
// cmrctl: the command-line client of cmrd. One file per command (cmd_*.cpp); this file only
// assembles them.

#include <cstdio>
#include <exception>

#include "cli11.hpp"
#include "cmd_analyze.hpp"
#include "cmd_check.hpp"
#include "cmd_events.hpp"
#include "cmd_metrics.hpp"
#include "cmd_reload.hpp"
#include "cmd_status.hpp"
#include "cmd_watch.hpp"
#include "exit_status.hpp"

namespace {

int run(int argc, char** argv)
{
    CLI::App app("cmrctl: watch balanced audio lines for hum, ground loops and poor CMRR",
                 "cmrctl");
    app.set_version_flag("--version", CMRD_VERSION);
    app.require_subcommand(1);

    app.footer("Exit status: 0 success; 1 failure (cmrd refused, a device it does not monitor, "
               "an internal error); 2 bad command line or input; 3 cmrd is not running on the "
               "bus; 4 permission denied. `check` follows the monitoring-plugin convention: 0 OK, "
               "1 WARNING, 2 CRITICAL, 3 UNKNOWN.");

    int exit_status = cmrctl::exit_ok;
    cmrctl::add_analyze_command(app, exit_status);
    cmrctl::add_status_command(app, exit_status);
    cmrctl::add_watch_command(app, exit_status);
    cmrctl::add_check_command(app, exit_status);
    cmrctl::add_events_command(app, exit_status);
    cmrctl::add_metrics_command(app, exit_status);
    cmrctl::add_reload_command(app, exit_status);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11 prints its own message (or the help); usage errors exit with status 2, except
        // for `check`, whose caller (a monitoring system) reads 2 as CRITICAL: UNKNOWN there.
        if (app.exit(error) == 0)
            return cmrctl::exit_ok;
        return app.got_subcommand(cmrctl::check_command_name) ? cmrctl::check_unknown
                                                              : cmrctl::exit_bad_input;
    }
    return exit_status;
}

} // namespace

int main(int argc, char** argv)
{
    // Commands report their own errors; this is the last line of defence against a trace.
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        std::fputs("cmrctl: internal error: ", stderr);
        std::fputs(error.what(), stderr);
        std::fputs("\n", stderr);
    } catch (...) {
        std::fputs("cmrctl: internal error\n", stderr);
    }
    return cmrctl::exit_failure;
}
