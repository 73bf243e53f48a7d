// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/daemon.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <limits>
#include <system_error>

#include <poll.h>
#include <sdbus-c++/Error.h>
#include <time.h>

#include "cmrd_bus_connection.hpp"
#include "cmrd_bus_names.hpp"
#include "config/config_loader.hpp"
#include "events/journal_sink.hpp"
#include "service/log.hpp"

namespace cmrd::service {
namespace {

/// A static device that disconnected or failed is reopened after this long.
constexpr auto reopen_after = std::chrono::seconds(5);
/// Without a systemd watchdog, capture threads are still checked this often (and a hang
/// logged).
constexpr auto default_check_interval = std::chrono::seconds(5);
/// A capture thread whose loop has not turned for this long hangs (its poll timeout is
/// 100 ms; the longest analysis hop takes tens of milliseconds).
constexpr auto hang_limit = std::chrono::seconds(3);

std::int64_t monotonic_us()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int ms_until(Clock::time_point now, Clock::time_point then)
{
    if (then <= now)
        return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(then - now).count();
    return static_cast<int>(std::min<std::int64_t>(ms, std::numeric_limits<int>::max()));
}

Clock::duration publish_interval(const config::DaemonConfig& config)
{
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / config.publish_rate_hz));
}

} // namespace

Daemon::Daemon(Options options) : options_(std::move(options))
{
    config_ = read_config();
    log(LOG_INFO, config_.source.empty()
                      ? "no " + options_.config_path + ": running on built-in defaults"
                      : "configuration " + config_.source);

    event_log_ =
        std::make_unique<events::EventLog>(options_.state_dir, config_.event_log.max_bytes);
    for (const std::string& warning : event_log_->warnings())
        log(LOG_WARNING, "event log: " + warning);

    bus_ = bus::connect_bus(options_.bus);
    ManagerHooks hooks;
    hooks.events_since = [this](std::int64_t since) { return event_log_->since(since); };
    hooks.reload = [this] { return reload(); };
    hooks.config_file = [this] { return config_.source; };
    hooks.config_error = [this] { return config_error_; };
    AdminPolicy admins;
    try {
        admins = admin_policy_for_group(CMRD_ADMIN_GROUP);
    } catch (const std::runtime_error& e) {
        log(LOG_ERR, std::string(e.what()) + ": Reload is for root only");
    }
    manager_ = std::make_unique<ManagerObject>(*bus_, std::move(hooks), admins);
    devices_ = std::make_unique<DeviceManager>(*bus_);
    devices_->apply(config_);

    // The udev monitor exists before the enumeration (CardWatcher's constructor), so no card
    // slips between the two. Without udev, static devices still work.
    try {
        cards_ = std::make_unique<devices::CardWatcher>();
        handle_cards(cards_->start());
    } catch (const std::system_error& e) {
        cards_.reset();
        log(LOG_ERR,
            std::string("udev is not usable, sound cards will not be discovered: ") + e.what());
    }

    // The name last: whoever sees it sees the devices present at start-up.
    try {
        bus_->requestName(bus::service_name);
    } catch (const sdbus::Error& e) {
        throw std::runtime_error(std::string("cannot own ") + bus::service_name + " on the " +
                                 options_.bus + " bus: " + e.getMessage());
    }
    notifier_.ready("");
    update_status();
    const auto now = Clock::now();
    next_ping_ = now;
    next_reopen_check_ = now + reopen_after;
}

Daemon::~Daemon()
{
    notifier_.stopping("stopping");
    // Capture threads end and objects disappear before the name is given up.
    devices_.reset();
    cards_.reset();
    try {
        bus_->releaseName(bus::service_name);
    } catch (const sdbus::Error& e) {
        log(LOG_WARNING, "releasing " + std::string(bus::service_name) + ": " + e.getMessage());
    }
    manager_.reset();
}

config::DaemonConfig Daemon::read_config() const
{
    if (!options_.config_explicit && !std::filesystem::exists(options_.config_path))
        return config::default_config();
    return config::load_config(options_.config_path);
}

std::optional<std::string> Daemon::reload()
{
    notifier_.reloading();
    std::optional<std::string> error;
    try {
        config::DaemonConfig fresh = read_config();
        config_ = std::move(fresh);
        config_error_.clear();
        devices_->apply(config_);
        log(LOG_NOTICE,
            "configuration reloaded" + (config_.source.empty() ? std::string(" (built-in defaults)")
                                                               : " from " + config_.source));
    } catch (const config::ConfigError& e) {
        error = e.what();
        config_error_ = e.what();
        log(LOG_ERR, "new configuration rejected, the running one stays: " + config_error_);
    }
    manager_->config_changed();
    notifier_.ready("");
    update_status();
    return error;
}

void Daemon::handle_signals()
{
    for (const int sig : signals_.take()) {
        if (sig == SIGHUP)
            (void)reload(); // the error is logged and published as ConfigError
        else
            stop_ = true;
    }
}

void Daemon::handle_cards(const std::vector<devices::CardEvent>& events)
{
    for (const devices::CardEvent& event : events)
        devices_->on_card(event);
    if (cards_)
        for (const std::string& error : cards_->take_errors())
            log(LOG_ERR, "udev: " + error);
    if (!events.empty())
        update_status();
}

void Daemon::record(const AlarmChange& change)
{
    events::Event stored = change.event;
    try {
        stored = event_log_->append(change.event);
    } catch (const std::exception& e) {
        // The alarm still goes out on the bus and to the journal; only the history lacks it.
        log(LOG_ERR, std::string("event log: ") + e.what());
    }
    events::log_event_to_journal(stored);
    try {
        manager_->announce(change.channel_path, stored, change.stream_time_s);
    } catch (const sdbus::Error& e) {
        log(LOG_ERR, "cannot send the alarm signal: " + e.getMessage());
    }
}

void Daemon::feed_watchdog(Clock::time_point now)
{
    if (now < next_ping_)
        return;
    const auto interval =
        notifier_.ping_interval()
            ? std::chrono::duration_cast<Clock::duration>(*notifier_.ping_interval())
            : Clock::duration(default_check_interval);
    next_ping_ = now + interval;
    std::string hung;
    for (const auto& [name, device] : devices_->devices())
        if (!device->capture_alive(now, std::max<Clock::duration>(hang_limit, interval)))
            hung += (hung.empty() ? "" : ", ") + name;
    if (!hung.empty()) {
        if (!watchdog_starved_)
            log(LOG_CRIT, "capture thread of " + hung +
                              " hangs: no longer feeding the watchdog (systemd restarts cmrd)");
        watchdog_starved_ = true;
        return;
    }
    watchdog_starved_ = false;
    notifier_.ping();
}

void Daemon::update_status()
{
    std::size_t channels = 0;
    std::size_t alarms = 0;
    for (const auto& [name, device] : devices_->devices()) {
        channels += device->channel_count();
        alarms += device->active_alarm_count();
    }
    std::string text = "monitoring " + std::to_string(devices_->devices().size()) + " device(s), " +
                       std::to_string(channels) + " channel(s), " + std::to_string(alarms) +
                       " alarm(s) active";
    if (!config_error_.empty())
        text += "; last reload rejected";
    notifier_.status(text);
}

int Daemon::poll_timeout_ms(Clock::time_point now) const
{
    Clock::time_point next = std::min(next_ping_, next_reopen_check_);
    const Clock::duration interval = publish_interval(config_);
    for (const auto& [name, device] : devices_->devices())
        if (const auto due = device->next_publish(interval))
            next = std::min(next, *due);
    int timeout = ms_until(now, next);
    if (cards_)
        if (const auto retry = cards_->retry_in())
            timeout = std::min(timeout, static_cast<int>(retry->count()));
    const sdbus::IConnection::PollData bus = bus_->getEventLoopPollData();
    if (bus.timeout_usec != std::numeric_limits<std::uint64_t>::max()) {
        const std::int64_t left_us = static_cast<std::int64_t>(bus.timeout_usec) - monotonic_us();
        timeout =
            std::min(timeout, static_cast<int>(std::max<std::int64_t>(0, (left_us + 999) / 1000)));
    }
    return timeout;
}

int Daemon::run()
{
    std::vector<pollfd> fds;
    std::vector<MonitoredDevice*> fd_devices;
    while (!stop_) {
        // sd-bus may already hold messages it has read: handle them before sleeping.
        while (bus_->processPendingRequest()) {
        }
        const Clock::time_point before = Clock::now();
        fds.clear();
        fd_devices.clear();
        fds.push_back({signals_.fd(), POLLIN, 0});
        const sdbus::IConnection::PollData bus = bus_->getEventLoopPollData();
        fds.push_back({bus.fd, bus.events, 0});
        fds.push_back({cards_ ? cards_->fd() : -1, POLLIN, 0});
        for (const auto& [name, device] : devices_->devices()) {
            fds.push_back({device->notify_fd(), POLLIN, 0});
            fd_devices.push_back(device.get());
        }
        if (::poll(fds.data(), fds.size(), poll_timeout_ms(before)) < 0 && errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "poll");

        if ((fds[0].revents & POLLIN) != 0)
            handle_signals();
        if (cards_ && (fds[2].revents & POLLIN) != 0)
            handle_cards(cards_->process());
        if (cards_ && cards_->retry_in())
            handle_cards(cards_->process_retries());
        bool alarms_changed = false;
        for (std::size_t i = 0; i < fd_devices.size(); ++i)
            if ((fds[3 + i].revents & POLLIN) != 0)
                // A reload or card event above may have removed this device: look it up.
                for (const auto& [name, device] : devices_->devices())
                    if (device.get() == fd_devices[i])
                        for (const AlarmChange& change : device->on_notify()) {
                            record(change);
                            alarms_changed = true;
                        }
        if (alarms_changed)
            update_status();

        const Clock::time_point now = Clock::now();
        for (const auto& [name, device] : devices_->devices())
            device->publish(now, publish_interval(config_));
        if (now >= next_reopen_check_) {
            devices_->reopen_gone(now, reopen_after);
            next_reopen_check_ = now + std::chrono::seconds(1);
        }
        feed_watchdog(now);
    }
    log(LOG_INFO, "stopping");
    return 0;
}

} // namespace cmrd::service
