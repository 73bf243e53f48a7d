// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmrd_bus_names.hpp
/// Every D-Bus name cmrd, cmrctl and cmr-notify use, in one place. The API itself is defined
/// in org.cmrd.Monitor1.xml next to this file (object path scheme and errors documented
/// there); the interfaces' C++ glue is generated from it.

namespace cmrd::bus {

// ---- cmrd on the system bus ----
inline constexpr const char* service_name = "org.cmrd.Monitor1";
inline constexpr const char* root_path = "/org/cmrd/Monitor1";
inline constexpr const char* devices_path = "/org/cmrd/Monitor1/devices";

inline constexpr const char* manager_interface = "org.cmrd.Monitor1.Manager";
inline constexpr const char* device_interface = "org.cmrd.Monitor1.Device";
inline constexpr const char* channel_interface = "org.cmrd.Monitor1.Channel";
inline constexpr const char* agent_manager_interface = "org.cmrd.Monitor1.AgentManager";
inline constexpr const char* object_manager_interface = "org.freedesktop.DBus.ObjectManager";

/// Reload with a broken configuration file (the message names file, line and key).
inline constexpr const char* error_config_invalid = "org.cmrd.Monitor1.Error.ConfigInvalid";
/// Anything else that went wrong in a method, with a message.
inline constexpr const char* error_failed = "org.cmrd.Monitor1.Error.Failed";
/// An administrative method called by someone who is not an administrator (the standard
/// error, so clients handle the bus policy's refusal and cmrd's own the same way).
inline constexpr const char* error_access_denied = "org.freedesktop.DBus.Error.AccessDenied";
/// A method's arguments out of range (an agent's report, for one).
inline constexpr const char* error_invalid_args = "org.freedesktop.DBus.Error.InvalidArgs";

// ---- cmr-notify on the session bus ----
/// cmr-notify's own name: one instance per session (the systemd user unit and the XDG
/// autostart file may both start it; the second one leaves).
inline constexpr const char* notify_service_name = "org.cmrd.Notify";
/// The Desktop Notifications Specification's server.
inline constexpr const char* notifications_service = "org.freedesktop.Notifications";
inline constexpr const char* notifications_path = "/org/freedesktop/Notifications";
inline constexpr const char* notifications_interface = "org.freedesktop.Notifications";

// ---- card reservations on the session bus (the ReserveDevice1 convention) ----
/// org.freedesktop.ReserveDevice1.Audio<N> reserves ALSA card N.
inline constexpr const char* reserve_name_prefix = "org.freedesktop.ReserveDevice1.Audio";
inline constexpr const char* reserve_path_prefix = "/org/freedesktop/ReserveDevice1/Audio";
inline constexpr const char* reserve_interface = "org.freedesktop.ReserveDevice1";

} // namespace cmrd::bus
