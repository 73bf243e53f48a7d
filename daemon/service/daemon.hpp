// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file daemon.hpp
/// cmrd as a whole: configuration, event log, D-Bus service, udev discovery, the monitored
/// devices and systemd integration, driven by the one event loop (common/event_loop.hpp).
/// D-Bus handlers run in that loop too (the connection is served there, not by an sdbus-c++
/// thread), so the daemon's state needs no locks; only capture threads run beside it, and
/// they hand over through their engines' lock-free buffers.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <sdbus-c++/IConnection.h>

#include "bus_event_source.hpp"
#include "config/daemon_config.hpp"
#include "devices/card_watcher.hpp"
#include "event_loop.hpp"
#include "events/event_log.hpp"
#include "service/agent_object.hpp"
#include "service/device_manager.hpp"
#include "service/manager_object.hpp"
#include "service/options.hpp"
#include "systemd_notifier.hpp"

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
    void on_signal(int signal);
    void handle_cards(const std::vector<devices::CardEvent>& events);
    void on_device_notify(const MonitoredDevice* device);
    void record(const AlarmChange& change);
    /// An alarm event could not be stored (@p why): counted, logged and announced.
    void lost_event(const std::string& why);
    void feed_watchdog(Clock::time_point now);
    void update_status();
    /// After every loop iteration that handled something: publish, reopen, feed the watchdog,
    /// watch the devices' descriptors, and arm the timer for the next of these that is due.
    void housekeeping();
    void watch_devices();
    /// Applies what the agents report to the devices and publishes the cards cmrd wants held.
    void apply_agents(Clock::time_point now);
    [[nodiscard]] Clock::time_point next_due(Clock::time_point now) const;

    Options options_;
    common::EventLoop loop_;
    // Blocked before any capture thread starts, so the signals only ever reach the loop.
    common::SignalSource signals_;
    config::DaemonConfig config_;
    std::string config_error_;
    std::uint64_t events_not_stored_ = 0; // the Manager's EventsNotStored
    std::unique_ptr<events::EventLog> event_log_;
    std::unique_ptr<sdbus::IConnection> bus_;
    std::unique_ptr<ManagerObject> manager_;
    std::unique_ptr<AgentObject> agents_;
    /// Agents reported something not yet applied to the devices (applied at most every
    /// agent_apply_interval, so that a flood of reports cannot keep restarting captures).
    bool agents_changed_ = false;
    Clock::time_point next_agent_apply_;
    std::unique_ptr<DeviceManager> devices_;
    std::unique_ptr<devices::CardWatcher> cards_;
    std::unique_ptr<bus::BusEventSource> bus_source_;
    common::IoSource cards_source_;
    /// The notification descriptor of each running device. Keyed by device and descriptor: a
    /// reopened device has a new one. Stale watches are dropped before new ones are added, so
    /// a reused descriptor number is never confused.
    std::map<std::pair<const MonitoredDevice*, int>, common::IoSource> device_sources_;
    common::Timer housekeeping_timer_;
    common::PostSource after_dispatch_;
    common::SystemdNotifier notifier_;
    Clock::time_point next_ping_;
    Clock::time_point next_reopen_check_;
    bool watchdog_starved_ = false;
};

} // namespace cmrd::service
