// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file daemon.hpp
/// cmrd as a whole: configuration, event log, D-Bus service, udev discovery, the monitored
/// devices and systemd integration, driven by one single-threaded poll loop. D-Bus handlers
/// run in that loop too (the connection is polled here, not by an sdbus-c++ thread), so the
/// daemon's state needs no locks; only capture threads run beside it, and they hand over
/// through their engines' lock-free buffers.

#include <memory>
#include <optional>
#include <string>

#include <sdbus-c++/IConnection.h>

#include "config/daemon_config.hpp"
#include "devices/card_watcher.hpp"
#include "events/event_log.hpp"
#include "service/device_manager.hpp"
#include "service/manager_object.hpp"
#include "service/options.hpp"
#include "service/signal_watch.hpp"
#include "service/systemd_notifier.hpp"

namespace cmrd::service {

class Daemon {
public:
    /// Loads the configuration, opens the event log, connects to the bus, starts devices and
    /// owns the bus name. @throws std::exception with a message naming what failed (the
    /// process then exits with status 1).
    explicit Daemon(Options options);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    /// Runs until SIGTERM or SIGINT. @return the process exit status.
    int run();

private:
    [[nodiscard]] config::DaemonConfig read_config() const;
    std::optional<std::string> reload();
    void handle_signals();
    void handle_cards(const std::vector<devices::CardEvent>& events);
    void record(const AlarmChange& change);
    void feed_watchdog(Clock::time_point now);
    void update_status();
    [[nodiscard]] int poll_timeout_ms(Clock::time_point now) const;

    Options options_;
    SignalWatch signals_;
    config::DaemonConfig config_;
    std::string config_error_;
    std::unique_ptr<events::EventLog> event_log_;
    std::unique_ptr<sdbus::IConnection> bus_;
    std::unique_ptr<ManagerObject> manager_;
    std::unique_ptr<DeviceManager> devices_;
    std::unique_ptr<devices::CardWatcher> cards_;
    SystemdNotifier notifier_;
    Clock::time_point next_ping_;
    Clock::time_point next_reopen_check_;
    bool watchdog_starved_ = false;
    bool stop_ = false;
};

} // namespace cmrd::service
