// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmrd_bus_connection.hpp"

#include <sdbus-c++/Error.h>

namespace cmrd::bus {

std::unique_ptr<sdbus::IConnection> open_bus(const std::string& spec)
{
    if (spec == "system")
        return sdbus::createSystemBusConnection();
    if (spec == "session")
        return sdbus::createSessionBusConnection();
    return sdbus::createSessionBusConnectionWithAddress(spec);
}

std::unique_ptr<sdbus::IConnection> connect_bus(const std::string& spec)
{
    try {
        return open_bus(spec);
    } catch (const sdbus::Error& e) {
        throw sdbus::Error(e.getName(),
                           "cannot connect to the " + spec + " bus: " + e.getMessage());
    }
}

} // namespace cmrd::bus
