// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmrd_errors.hpp
/// What can go wrong when talking to cmrd, as exceptions the commands turn into one line on
/// stderr and an exit status (exit_status.hpp). D-Bus errors are translated here, at the
/// boundary, so no command sees an sdbus::Error.

#include <stdexcept>
#include <string>

namespace sdbus {
class Error;
} // namespace sdbus

namespace cmrctl::client {

/// cmrd is not on the bus (its name has no owner), went away during a call, or the bus itself
/// cannot be reached. what(): "cmrd is not running on the system bus" (plus the reason when
/// there is more to say).
class CmrdUnavailable : public std::runtime_error {
public:
    /// @param bus the bus's description (BusTarget::description()).
    /// @param detail why, or "" when the name simply has no owner.
    CmrdUnavailable(const std::string& bus, const std::string& detail);
};

/// The caller may not do this (org.freedesktop.DBus.Error.AccessDenied, from the bus policy or
/// from cmrd itself). what() is the message received.
class PermissionDenied : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// cmrd rejected a new configuration (org.cmrd.Monitor1.Error.ConfigInvalid). what() is
/// cmrd's message, "FILE:LINE:COL: KEY: problem".
class ConfigRejected : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Any other error cmrd or the bus returned, or a reply cmrctl cannot understand. what()
/// names the error.
class CmrdError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Translates @p error, met while talking to cmrd on @p bus (a description), into one of the
/// exceptions above and throws it.
[[noreturn]] void throw_translated(const sdbus::Error& error, const std::string& bus);

} // namespace cmrctl::client
