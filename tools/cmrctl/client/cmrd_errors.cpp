// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/cmrd_errors.hpp"

#include <array>
#include <string_view>

#include <sdbus-c++/Error.h>

#include "cmrd_bus_names.hpp"

namespace cmrctl::client {
namespace {

/// Errors meaning that nobody answers for org.cmrd.Monitor1: the name has no owner (the bus
/// says so in two ways), the owner left before replying, or the connection itself broke.
constexpr std::array<std::string_view, 5> not_running_errors = {
    "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.NoReply",        "org.freedesktop.DBus.Error.Disconnected",
    "org.freedesktop.DBus.Error.NoServer",
};

std::string unavailable_text(const std::string& bus, const std::string& detail)
{
    std::string text = "cmrd is not running on " + bus;
    if (!detail.empty())
        text += " (" + detail + ")";
    return text;
}

} // namespace

CmrdUnavailable::CmrdUnavailable(const std::string& bus, const std::string& detail)
    : std::runtime_error(unavailable_text(bus, detail))
{}

void throw_translated(const sdbus::Error& error, const std::string& bus)
{
    const std::string& name = error.getName();
    for (const std::string_view candidate : not_running_errors)
        if (name == candidate)
            // NoReply is the one case where cmrd was there: it died or hung during the call.
            throw CmrdUnavailable(bus, name == not_running_errors[2] ? "it did not answer" : "");
    if (name == cmrd::bus::error_access_denied)
        throw PermissionDenied(error.getMessage());
    if (name == cmrd::bus::error_config_invalid)
        throw ConfigRejected(error.getMessage());
    throw CmrdError(error.getMessage().empty() ? name : name + ": " + error.getMessage());
}

} // namespace cmrctl::client
