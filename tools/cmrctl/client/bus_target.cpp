// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/bus_target.hpp"

#include <sdbus-c++/Error.h>

#include "client/cmrd_errors.hpp"
#include "cmrd_bus_connection.hpp"

namespace cmrctl::client {

BusTarget::BusTarget(std::string spec) : spec_(std::move(spec)) {}

std::string BusTarget::description() const
{
    if (spec_ == "system" || spec_ == "session")
        return "the " + spec_ + " bus";
    return "the bus at " + spec_;
}

std::unique_ptr<sdbus::IConnection> BusTarget::connect() const
{
    try {
        return cmrd::bus::open_bus(spec_);
    } catch (const sdbus::Error& e) {
        // No bus means no cmrd either; the reason (socket missing, refused...) is kept.
        throw CmrdUnavailable(description(), "cannot connect to it: " + e.getMessage());
    }
}

} // namespace cmrctl::client
