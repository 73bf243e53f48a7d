// SPDX-License-Identifier: GPL-2.0-or-later
#include "notifications_client.hpp"

#include <chrono>
#include <exception>
#include <map>
#include <vector>

#include <sdbus-c++/Error.h>
#include <sdbus-c++/Types.h>

#include "cmrd_bus_names.hpp"
#include "log.hpp"
#include "name_watch.hpp"

namespace cmrnotify {

/// The desktop file (cmr-notify.desktop) named in the "desktop-entry" hint.
constexpr const char* desktop_entry = "cmr-notify";
namespace {

/// A server that has not answered a call by then is taken as gone; the update is retried.
constexpr auto call_timeout = std::chrono::seconds(5);
constexpr const char* app_name = "cmrd";

} // namespace

NotificationsClient::NotificationsClient(sdbus::IConnection& bus, NotificationsEvents events)
    : events_(std::move(events)), proxy_(sdbus::createProxy(bus, cmrd::bus::notifications_service,
                                                            cmrd::bus::notifications_path))
{
    proxy_->uponSignal("NotificationClosed")
        .onInterface(cmrd::bus::notifications_interface)
        .call([this](std::uint32_t id, std::uint32_t reason) {
            try {
                events_.closed(id, reason);
            } catch (const std::exception& e) {
                cmrd::common::log(LOG_ERR, std::string("NotificationClosed: ") + e.what());
            }
        });
    proxy_->finishRegistration();
    name_watch_ =
        cmrd::bus::watch_name_owner(bus, cmrd::bus::notifications_service,
                                    [this](bool present) { events_.presence_changed(present); });
}

NotificationsClient::~NotificationsClient() = default;

void NotificationsClient::notify(std::uint32_t replaces_id, const Notification& notification,
                                 const NotifyDone& done)
{
    const std::string app(app_name);
    const std::vector<std::string> actions;
    const std::map<std::string, sdbus::Variant> hints = {
        {"urgency", sdbus::Variant(static_cast<std::uint8_t>(notification.urgency))},
        {"category", sdbus::Variant(std::string("device"))},
        {"desktop-entry", sdbus::Variant(std::string(desktop_entry))},
    };
    try {
        proxy_->callMethodAsync("Notify")
            .onInterface(cmrd::bus::notifications_interface)
            .withTimeout(call_timeout)
            .withArguments(app, replaces_id, notification.icon, notification.summary,
                           notification.body, actions, hints, notification.expire_timeout_ms)
            .uponReplyInvoke([done](const sdbus::Error* error, std::uint32_t id) {
                try {
                    if (error != nullptr)
                        done(std::nullopt, error->getName() + ": " + error->getMessage());
                    else
                        done(id, "");
                } catch (const std::exception& e) {
                    cmrd::common::log(LOG_ERR, std::string("Notify reply: ") + e.what());
                }
            });
    } catch (const sdbus::Error& e) {
        // Sending itself failed (the connection is broken): the same as a failed call.
        done(std::nullopt, e.getName() + ": " + e.getMessage());
    }
}

void NotificationsClient::close(std::uint32_t id)
{
    try {
        proxy_->callMethodAsync("CloseNotification")
            .onInterface(cmrd::bus::notifications_interface)
            .withTimeout(call_timeout)
            .withArguments(id)
            .uponReplyInvoke([id](const sdbus::Error* error) {
                if (error != nullptr)
                    cmrd::common::log(LOG_INFO, "CloseNotification " + std::to_string(id) + ": " +
                                                    error->getMessage());
            });
    } catch (const sdbus::Error& e) {
        cmrd::common::log(LOG_INFO,
                          "CloseNotification " + std::to_string(id) + ": " + e.getMessage());
    }
}

} // namespace cmrnotify
