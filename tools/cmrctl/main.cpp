// SPDX-License-Identifier: GPL-2.0-or-later
// cmrctl: the command-line client of cmrd. One file per command (cmd_*.cpp); this file only
// assembles them.

#include <cstdio>
#include <exception>

#include "cli11.hpp"
#include "cmd_analyze.hpp"
#include "exit_status.hpp"

namespace {

int run(int argc, char** argv)
{
    CLI::App app("cmrctl: watch balanced audio lines for hum, ground loops and poor CMRR",
                 "cmrctl");
    app.set_version_flag("--version", CMRD_VERSION);
    app.require_subcommand(1);

    int exit_status = cmrctl::exit_ok;
    cmrctl::add_analyze_command(app, exit_status);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11 prints its own message (or the help); usage errors all exit with status 2.
        return app.exit(error) == 0 ? cmrctl::exit_ok : cmrctl::exit_bad_input;
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
