// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd_reload.hpp"

#include <iostream>
#include <memory>
#include <string>

#include "cli11.hpp"
#include "client/cmrd_client.hpp"
#include "client/cmrd_errors.hpp"
#include "client/command_support.hpp"
#include "exit_status.hpp"

namespace cmrctl {
namespace {

int run_reload(const std::string& bus)
{
    client::CmrdClient cmrd{client::BusTarget(bus)};
    try {
        cmrd.reload();
    } catch (const client::PermissionDenied&) {
        // The bus policy's refusal and cmrd's own read differently; one line says it plainly.
        std::cerr << reload_denied_message << '\n';
        return exit_permission_denied;
    } catch (const client::ConfigRejected& e) {
        std::cerr << "cmrctl reload: cmrd rejected the new configuration, the running one stays: "
                  << e.what() << '\n';
        return exit_failure;
    }
    const std::string file = cmrd.config_file();
    std::cout << "cmrd reloaded its configuration"
              << (file.empty() ? std::string(" (no configuration file: built-in defaults)")
                               : " from " + file)
              << '\n';
    return exit_ok;
}

} // namespace

void add_reload_command(CLI::App& app, int& exit_status)
{
    auto bus = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand(
        "reload", "Make cmrd re-read its configuration file (administrators only)");
    command->footer("A broken file is rejected and cmrd keeps running on the old one.\n"
                    "Exit status: 0 reloaded, 1 the new configuration was rejected, 3 cmrd is "
                    "not running, 4 permission denied.");
    client::add_bus_option(*command, *bus);
    command->callback([bus, &exit_status] {
        exit_status = client::run_reporting_errors("reload", [&] { return run_reload(*bus); });
    });
}

} // namespace cmrctl
