// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file notifications_client.hpp
/// A client of org.freedesktop.Notifications (the Desktop Notifications Specification) on
/// the session bus: Notify and CloseNotification as asynchronous calls (a hung notification
/// server never blocks cmr-notify), NotificationClosed, and the server coming and going.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>
#include <sdbus-c++/TypeTraits.h>

#include "notification.hpp"

namespace cmrnotify {

struct NotificationsEvents {
    /// NotificationClosed(id, reason): 1 expired, 2 dismissed by the user, 3 closed by a
    /// CloseNotification call, 4 other.
    std::function<void(std::uint32_t id, std::uint32_t reason)> closed;
    /// A server took org.freedesktop.Notifications (true) or left (false).
    std::function<void(bool present)> presence_changed;
};

class NotificationsClient {
public:
    /// The answer to a Notify: the notification's id, or nullopt and why it failed.
    using NotifyDone =
        std::function<void(std::optional<std::uint32_t> id, const std::string& error)>;

    /// Subscribes on @p bus (which must outlive the client). @throws sdbus::Error.
    NotificationsClient(sdbus::IConnection& bus, NotificationsEvents events);
    ~NotificationsClient();
    NotificationsClient(const NotificationsClient&) = delete;
    NotificationsClient& operator=(const NotificationsClient&) = delete;

    /// Notify with app_name "cmrd", the hints urgency (byte), category "device" and
    /// desktop-entry "cmr-notify", no actions. @p replaces_id 0 opens a new notification.
    /// @p done runs when the server answers (or the call fails or times out).
    void notify(std::uint32_t replaces_id, const Notification& notification,
                const NotifyDone& done);

    /// CloseNotification; a failure is only logged (the notification is gone either way, or
    /// its server is).
    void close(std::uint32_t id);

private:
    NotificationsEvents events_;
    std::unique_ptr<sdbus::IProxy> proxy_;
    sdbus::Slot name_watch_;
};

} // namespace cmrnotify
