// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmrd_bus_connection.hpp
/// Connecting to a bus named on a command line (`--bus`, `--system-bus`, `--session-bus`):
/// one meaning of "system", "session" and an address for cmrd, cmrctl and cmr-notify.

#include <memory>
#include <string>

#include <sdbus-c++/IConnection.h>

namespace cmrd::bus {

/// "system" (honours DBUS_SYSTEM_BUS_ADDRESS), "session" (DBUS_SESSION_BUS_ADDRESS), or a
/// D-Bus address such as unix:path=/run/dbus/system_bus_socket.
/// @throws sdbus::Error from sdbus-c++ as it is, for callers that word it themselves.
[[nodiscard]] std::unique_ptr<sdbus::IConnection> open_bus(const std::string& spec);

/// open_bus(), with the error's message prefixed by "cannot connect to the SPEC bus: ".
/// @throws sdbus::Error.
[[nodiscard]] std::unique_ptr<sdbus::IConnection> connect_bus(const std::string& spec);

} // namespace cmrd::bus
