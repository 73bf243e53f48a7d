// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file notify_app.hpp
/// cmr-notify as a whole: cmrd on the system bus, the notification server on the session
/// bus, the decisions of NotifierState in between, all on the one event loop
/// (common/event_loop.hpp): both connections are processed there, not by sdbus-c++ threads,
/// so nothing needs a lock; SIGTERM/SIGINT end it.

#include <memory>
#include <stdexcept>

#include <sdbus-c++/IConnection.h>

#include "bus_event_source.hpp"
#include "cmrd_watcher.hpp"
#include "event_loop.hpp"
#include "notifications_client.hpp"
#include "notifier_state.hpp"
#include "options.hpp"

namespace cmrnotify {

/// Another cmr-notify already serves this session (it owns org.cmrd.Notify).
class AlreadyRunning : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class NotifyApp {
public:
    /// Connects to both buses and subscribes. @throws AlreadyRunning, or std::exception
    /// naming what failed (a bus that cannot be reached).
    explicit NotifyApp(const Options& options);
    ~NotifyApp();
    NotifyApp(const NotifyApp&) = delete;
    NotifyApp& operator=(const NotifyApp&) = delete;

    /// Runs until SIGTERM or SIGINT (returns 0). @throws sdbus::Error when a bus connection
    /// breaks (the bus itself went away).
    int run();

private:
    void execute(Actions actions);
    /// After whatever the loop handled: carry out the decisions, arm the next wake-up.
    void act();

    cmrd::common::EventLoop loop_;
    cmrd::common::SignalSource signals_;
    NotifierState state_;
    std::unique_ptr<sdbus::IConnection> system_bus_;
    std::unique_ptr<sdbus::IConnection> session_bus_;
    std::unique_ptr<NotificationsClient> notifications_;
    std::unique_ptr<CmrdWatcher> cmrd_;
    std::unique_ptr<cmrd::bus::BusEventSource> system_source_;
    std::unique_ptr<cmrd::bus::BusEventSource> session_source_;
    cmrd::common::Timer wakeup_;
    cmrd::common::PostSource after_dispatch_;
    bool notify_failing_ = false; ///< the last Notify failed (logged once per outage)
};

} // namespace cmrnotify
