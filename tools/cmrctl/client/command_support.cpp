// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/command_support.hpp"

#include <iostream>

#include "cli11.hpp"
#include "client/cmrd_errors.hpp"
#include "client/selection.hpp"
#include "client/time_text.hpp"
#include "client/wire_types.hpp"
#include "exit_status.hpp"

namespace cmrctl::client {

void add_bus_option(CLI::App& command, std::string& bus)
{
    bus = default_bus;
    command
        .add_option("--bus", bus,
                    "The bus cmrd is on: system (default), session, or a D-Bus address such as "
                    "unix:path=/run/dbus/system_bus_socket")
        ->type_name("BUS")
        ->envname("CMRCTL_BUS");
}

int run_reporting_errors(const std::string& command, const std::function<int()>& body)
{
    const std::string prefix = "cmrctl " + command + ": ";
    try {
        return body();
    } catch (const CmrdUnavailable& e) {
        std::cerr << "cmrctl: " << e.what() << '\n';
        return exit_cmrd_unavailable;
    } catch (const PermissionDenied& e) {
        std::cerr << "cmrctl: permission denied: " << e.what() << '\n';
        return exit_permission_denied;
    } catch (const TimeSyntaxError& e) {
        std::cerr << prefix << e.what() << '\n';
        return exit_bad_input;
    } catch (const UnknownSelection& e) {
        std::cerr << prefix << e.what() << '\n';
        return exit_failure;
    } catch (const ProtocolError& e) {
        std::cerr << prefix << "cannot understand cmrd's answer: " << e.what() << '\n';
        return exit_failure;
    } catch (const std::exception& e) {
        std::cerr << prefix << e.what() << '\n';
        return exit_failure;
    }
}

} // namespace cmrctl::client
