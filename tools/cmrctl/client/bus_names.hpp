// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file bus_names.hpp
/// The D-Bus names cmrctl addresses (the API is defined in dbus/org.cmrd.Monitor1.xml; the
/// interface names themselves come with the generated proxies).

namespace cmrctl::client {

/// cmrd's well-known bus name.
inline constexpr const char* service_name = "org.cmrd.Monitor1";
/// The root object: the Manager interface and the ObjectManager.
inline constexpr const char* root_path = "/org/cmrd/Monitor1";

/// Errors cmrd (or the bus) returns that cmrctl tells apart.
inline constexpr const char* error_config_invalid = "org.cmrd.Monitor1.Error.ConfigInvalid";
inline constexpr const char* error_access_denied = "org.freedesktop.DBus.Error.AccessDenied";

} // namespace cmrctl::client
