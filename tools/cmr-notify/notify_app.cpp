// SPDX-License-Identifier: GPL-2.0-or-later
#include "notify_app.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <system_error>

#include <poll.h>
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

/// Handles everything sd-bus has already read or can read without blocking.
void drain(sdbus::IConnection& bus)
{
    while (bus.processPendingRequest()) {
    }
}

} // namespace

NotifyApp::NotifyApp(const Options& options)
    : state_(settings_from(options), Clock::now()),
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
        log(LOG_INFO, present ? "notification server appeared" : "notification server left");
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
        log(LOG_INFO, present ? "cmrd appeared" : "cmrd left the bus");
        if (present)
            state_.cmrd_appeared(Clock::now());
        else
            state_.cmrd_vanished();
    };
    cmrd_ = std::make_unique<CmrdWatcher>(*system_bus_, std::move(cmrd_events));
}

NotifyApp::~NotifyApp()
{
    // Proxies and match slots go before the connections they live on.
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
                    log(LOG_INFO, "cmrd is not on the bus: waiting for it");
                else
                    log(LOG_WARNING, "cannot read cmrd's channels: " + snapshot.error);
                state_.snapshot_failed(request, snapshot.cmrd_absent, Clock::now());
            });
        } catch (const sdbus::Error& e) {
            log(LOG_WARNING, "cannot ask cmrd for its channels: " + e.getMessage());
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
                        log(LOG_INFO, "notifications are delivered again");
                    notify_failing_ = false;
                    state_.notify_succeeded(slot, *id, Clock::now());
                    return;
                }
                // Once per outage: without a notification server this repeats every few
                // seconds.
                if (!notify_failing_)
                    log(LOG_WARNING, "Notify failed (retrying until it works): " + error);
                notify_failing_ = true;
                state_.notify_failed(slot, Clock::now());
            });
    }
}

int NotifyApp::poll_timeout_ms(Clock::time_point now) const
{
    int timeout = -1; // poll's "no timeout"
    const auto take = [&timeout](int ms) {
        if (ms >= 0)
            timeout = timeout < 0 ? ms : std::min(timeout, ms);
    };
    if (const std::optional<Clock::time_point> next = state_.next_wakeup()) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
        take(static_cast<int>(std::clamp<std::int64_t>(left, 0, std::numeric_limits<int>::max())));
    }
    take(system_bus_->getEventLoopPollData().getPollTimeout());
    take(session_bus_->getEventLoopPollData().getPollTimeout());
    return timeout;
}

int NotifyApp::run()
{
    log(LOG_INFO, "watching cmrd's alarms");
    for (;;) {
        // sd-bus may hold messages it has already read: handle them before deciding and
        // sleeping.
        drain(*system_bus_);
        drain(*session_bus_);
        execute(state_.take_actions(Clock::now()));

        const sdbus::IConnection::PollData system = system_bus_->getEventLoopPollData();
        const sdbus::IConnection::PollData session = session_bus_->getEventLoopPollData();
        std::array<pollfd, 3> fds = {{{signals_.fd(), POLLIN, 0},
                                      {system.fd, system.events, 0},
                                      {session.fd, session.events, 0}}};
        if (::poll(fds.data(), fds.size(), poll_timeout_ms(Clock::now())) < 0 && errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "poll");
        if ((fds[0].revents & POLLIN) != 0 && signals_.take()) {
            log(LOG_INFO, "stopping");
            return 0;
        }
    }
}

} // namespace cmrnotify
