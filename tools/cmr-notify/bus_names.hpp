// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file bus_names.hpp
/// The D-Bus names cmr-notify talks to: cmrd's API (dbus/org.cmrd.Monitor1.xml) and the
/// Desktop Notifications Specification.

namespace cmrnotify::names {

inline constexpr const char* cmrd_service = "org.cmrd.Monitor1";
inline constexpr const char* cmrd_root = "/org/cmrd/Monitor1";
inline constexpr const char* cmrd_device_interface = "org.cmrd.Monitor1.Device";
inline constexpr const char* cmrd_channel_interface = "org.cmrd.Monitor1.Channel";
inline constexpr const char* object_manager_interface = "org.freedesktop.DBus.ObjectManager";

inline constexpr const char* notifications_service = "org.freedesktop.Notifications";
inline constexpr const char* notifications_path = "/org/freedesktop/Notifications";
inline constexpr const char* notifications_interface = "org.freedesktop.Notifications";

/// cmr-notify's own name on the session bus: one instance per session (the systemd user
/// unit and the XDG autostart file may both start it; the second one leaves).
inline constexpr const char* cmr_notify_service = "org.cmrd.Notify";
/// The desktop file (cmr-notify.desktop) named in the "desktop-entry" hint.
inline constexpr const char* desktop_entry = "cmr-notify";

} // namespace cmrnotify::names
