// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file bus_names.hpp
/// Every D-Bus name cmrd uses, in one place (the API itself is dbus/org.cmrd.Monitor1.xml).

namespace cmrd::bus {

inline constexpr const char* service_name = "org.cmrd.Monitor1";
inline constexpr const char* root_path = "/org/cmrd/Monitor1";
inline constexpr const char* devices_path = "/org/cmrd/Monitor1/devices";

inline constexpr const char* manager_interface = "org.cmrd.Monitor1.Manager";
inline constexpr const char* device_interface = "org.cmrd.Monitor1.Device";
inline constexpr const char* channel_interface = "org.cmrd.Monitor1.Channel";

/// Reload with a broken configuration file (the message names file, line and key).
inline constexpr const char* error_config_invalid = "org.cmrd.Monitor1.Error.ConfigInvalid";
/// Anything else that went wrong in a method, with a message.
inline constexpr const char* error_failed = "org.cmrd.Monitor1.Error.Failed";
/// An administrative method called by someone who is not an administrator (the standard
/// error, so clients handle the bus policy's refusal and cmrd's own the same way).
inline constexpr const char* error_access_denied = "org.freedesktop.DBus.Error.AccessDenied";

} // namespace cmrd::bus
