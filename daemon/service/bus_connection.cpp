// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/bus_connection.hpp"

#include <sdbus-c++/Error.h>

namespace cmrd::service {

std::unique_ptr<sdbus::IConnection> connect_bus(const std::string& bus)
{
    try {
        if (bus == "system")
            return sdbus::createSystemBusConnection();
        if (bus == "session")
            return sdbus::createSessionBusConnection();
        return sdbus::createSessionBusConnectionWithAddress(bus);
    } catch (const sdbus::Error& e) {
        throw sdbus::Error(e.getName(), "cannot connect to the " + bus + " bus: " + e.getMessage());
    }
}

} // namespace cmrd::service
