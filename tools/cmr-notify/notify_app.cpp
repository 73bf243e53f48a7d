// SPDX-License-Identifier: GPL-2.0-or-later
#include "notify_app.hpp"

#include <csignal>

#include <sdbus-c++/Error.h>

#include "cmrd_bus_connection.hpp"
#include "cmrd_bus_names.hpp"
#include "log.hpp"
#include "name_watch.hpp"

namespace cmrnotify {
namespace {

Clock::duration seconds(double s)
{
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

NotifierSettings settings_from(const Options& options)
{
    NotifierSettings settings;
    settings.min_interval = seconds(options.min_interval_s);
    settings.settle = seconds(options.settle_s);
    settings.text.hum_dbfs = options.hum_dbfs;
    return settings;
}

} // namespace

NotifyApp::NotifyApp(const Options& options)
    : signals_(loop_, {SIGTERM, SIGINT},
               [this](int /*signal*/) {
                   cmrd::common::log(LOG_INFO, "stopping");
                   loop_.exit(0);
               }),
      state_(settings_from(options), Clock::now()),
      system_bus_(cmrd::bus::connect_bus(options.system_bus)),
      session_bus_(cmrd::bus::connect_bus(options.session_bus))
{
    try {
        session_bus_->requestName(cmrd::bus::notify_service_name);
    } catch (const sdbus::Error& e) {
        throw AlreadyRunning(std::string("another cmr-notify serves this session (") +
                             cmrd::bus::notify_service_name + " is taken: " + e.getMessage() + ")");
    }

    NotificationsEvents server_events;
    server_events.closed = [this](std::uint32_t id, std::uint32_t /*reason*/) {
        state_.notification_closed(id);
    };
    server_events.presence_changed = [this](bool present) {
        cmrd::common::log(LOG_INFO,
                          present ? "notification server appeared" : "notification server left");
        if (present)
            state_.server_appeared();
        else
            state_.server_vanished();
    };
    notifications_ = std::make_unique<NotificationsClient>(*session_bus_, std::move(server_events));

    CmrdEvents cmrd_events;
    cmrd_events.alarm_changed = [this](const std::string& path, const AlarmChange& change) {
        state_.alarm_changed(path, change);
    };
    cmrd_events.channel_appeared = [this](const std::string& path, ChannelAlarms channel) {
        state_.channel_appeared(path, std::move(channel));
    };
    cmrd_events.presence_changed = [this](bool present) {
        cmrd::common::log(LOG_INFO, present ? "cmrd appeared" : "cmrd left the bus");
        if (present)
            state_.cmrd_appeared(Clock::now());
        else
            state_.cmrd_vanished();
    };
    cmrd_ = std::make_unique<CmrdWatcher>(*system_bus_, std::move(cmrd_events));

    system_source_ =
        std::make_unique<cmrd::bus::BusEventSource>(loop_, *system_bus_, "the system bus");
    session_source_ =
        std::make_unique<cmrd::bus::BusEventSource>(loop_, *session_bus_, "the session bus");
    wakeup_ = cmrd::common::Timer(loop_, [] {}); // act() runs after it
    after_dispatch_ = cmrd::common::PostSource(loop_, [this] { act(); });
    wakeup_.arm_in(Clock::duration::zero()); // the first decisions
}

NotifyApp::~NotifyApp()
{
    // Loop sources, proxies and match slots go before the connections they live on.
    system_source_.reset();
    session_source_.reset();
    cmrd_.reset();
    notifications_.reset();
}

void NotifyApp::execute(Actions actions)
{
    if (actions.snapshot) {
        const std::uint64_t request = *actions.snapshot;
        try {
            cmrd_->request_snapshot([this, request](Snapshot snapshot) {
                if (snapshot.channels) {
                    state_.snapshot_received(request, std::move(*snapshot.channels));
                    return;
                }
                if (snapshot.cmrd_absent)
                    cmrd::common::log(LOG_INFO, "cmrd is not on the bus: waiting for it");
                else
                    cmrd::common::log(LOG_WARNING,
                                      "cannot read cmrd's channels: " + snapshot.error);
                state_.snapshot_failed(request, snapshot.cmrd_absent, Clock::now());
            });
        } catch (const sdbus::Error& e) {
            cmrd::common::log(LOG_WARNING, "cannot ask cmrd for its channels: " + e.getMessage());
            state_.snapshot_failed(request, false, Clock::now());
        }
    }
    for (const std::uint32_t id : actions.close)
        notifications_->close(id);
    for (NotifyRequest& request : actions.notify) {
        notifications_->notify(
            request.replaces_id, request.notification,
            [this, slot = request.slot](std::optional<std::uint32_t> id, const std::string& error) {
                if (id) {
                    if (notify_failing_)
                        cmrd::common::log(LOG_INFO, "notifications are delivered again");
                    notify_failing_ = false;
                    state_.notify_succeeded(slot, *id, Clock::now());
                    return;
                }
                // Once per outage: without a notification server this repeats every few
                // seconds.
                if (!notify_failing_)
                    cmrd::common::log(LOG_WARNING,
                                      "Notify failed (retrying until it works): " + error);
                notify_failing_ = true;
                state_.notify_failed(slot, Clock::now());
            });
    }
}

void NotifyApp::act()
{
    execute(state_.take_actions(Clock::now()));
    if (const std::optional<Clock::time_point> next = state_.next_wakeup())
        wakeup_.arm_at(*next);
    else
        wakeup_.disarm();
}

int NotifyApp::run()
{
    cmrd::common::log(LOG_INFO, "watching cmrd's alarms");
    return loop_.run();
}

} // namespace cmrnotify
