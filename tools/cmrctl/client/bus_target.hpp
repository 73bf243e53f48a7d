// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file bus_target.hpp
/// Which bus cmrctl talks to: `--bus system|session|ADDRESS`, as cmrd's own option.

#include <memory>
#include <string>

#include <sdbus-c++/IConnection.h>

namespace cmrctl::client {

/// The bus named on the command line.
class BusTarget {
public:
    /// @param spec "system" (honours DBUS_SYSTEM_BUS_ADDRESS), "session" (honours
    ///        DBUS_SESSION_BUS_ADDRESS), or a D-Bus address such as unix:path=/run/x.
    explicit BusTarget(std::string spec);

    /// "the system bus", "the session bus" or "the bus at unix:path=/run/x", for messages.
    [[nodiscard]] std::string description() const;

    /// Opens a new connection. @throws CmrdUnavailable (cmrd_errors.hpp) when the bus cannot be
    /// reached, naming the bus and the reason.
    [[nodiscard]] std::unique_ptr<sdbus::IConnection> connect() const;

    [[nodiscard]] const std::string& spec() const noexcept { return spec_; }

private:
    std::string spec_;
};

} // namespace cmrctl::client
