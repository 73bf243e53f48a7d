// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file bus_connection.hpp
/// Connecting to a bus named on the command line, and watching a name's owner on it.

#include <functional>
#include <memory>
#include <string>

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/TypeTraits.h>

namespace cmrnotify {

/// "system" (honours DBUS_SYSTEM_BUS_ADDRESS), "session" (DBUS_SESSION_BUS_ADDRESS), or a
/// D-Bus address. @throws sdbus::Error naming the bus when it cannot be reached.
[[nodiscard]] std::unique_ptr<sdbus::IConnection> connect_bus(const std::string& bus);

/// Calls @p changed(true) when @p name gets an owner (or a new one), changed(false) when it
/// loses it (NameOwnerChanged, filtered by the bus on the name). The watch lasts as long as
/// the returned slot. @throws sdbus::Error.
[[nodiscard]] sdbus::Slot watch_name_owner(sdbus::IConnection& bus, const std::string& name,
                                           std::function<void(bool present)> changed);

} // namespace cmrnotify
