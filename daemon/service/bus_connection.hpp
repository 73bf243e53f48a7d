// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file bus_connection.hpp
/// Connecting to the bus named on the command line.

#include <memory>
#include <string>

#include <sdbus-c++/IConnection.h>

namespace cmrd::service {

/// "system" (honours DBUS_SYSTEM_BUS_ADDRESS), "session", or a D-Bus address.
/// @throws sdbus::Error naming the bus when it cannot be reached.
[[nodiscard]] std::unique_ptr<sdbus::IConnection> connect_bus(const std::string& bus);

} // namespace cmrd::service
