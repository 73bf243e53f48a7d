// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/daemon.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <set>
#include <system_error>

#include <sdbus-c++/Error.h>
#include <sys/epoll.h>

#include "cmrd_bus_connection.hpp"
#include "cmrd_bus_names.hpp"
#include "config/config_loader.hpp"
#include "events/journal_sink.hpp"
#include "log.hpp"

namespace cmrd::service {
namespace {

/// What agents report reaches the devices at most this often (see agents_changed_).
constexpr auto agent_apply_interval = std::chrono::milliseconds(200);
/// A static device that disconnected or failed is reopened after this long.
constexpr auto reopen_after = std::chrono::seconds(5);
/// Without a systemd watchdog, capture threads are still checked this often (and a hang
/// logged).
constexpr auto default_check_interval = std::chrono::seconds(5);
/// A capture thread whose loop has not turned for this long hangs (its poll timeout is
/// 100 ms; the longest analysis hop takes tens of milliseconds).
constexpr auto hang_limit = std::chrono::seconds(3);

/// The alarms active when cmrd last stored an event, by device (#12 finding 6: a restart
/// raised every active alarm again, with no clear in between).
std::map<std::string, std::vector<RestoredAlarm>> still_raised_alarms(const events::EventLog& log)
{
    std::map<std::string, std::vector<RestoredAlarm>> out;
    for (const events::Event& event : log.still_raised())
        out[event.device].push_back({event.channel, event.alarm});
    return out;
}

Clock::duration publish_interval(const config::DaemonConfig& config)
{
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / config.publish_rate_hz));
}

} // namespace

Daemon::Daemon(Options options)
    : options_(std::move(options)),
      signals_(loop_, {SIGTERM, SIGINT, SIGHUP}, [this](int signal) { on_signal(signal); })
{
    config_ = read_config();
    common::log(LOG_INFO, config_.source.empty()
                              ? "no " + options_.config_path + ": running on built-in defaults"
                              : "configuration " + config_.source);

    event_log_ =
        std::make_unique<events::EventLog>(options_.state_dir, config_.event_log.max_bytes);
    for (const std::string& warning : event_log_->warnings())
        common::log(LOG_WARNING, "event log: " + warning);

    bus_ = bus::connect_bus(options_.bus);
    ManagerHooks hooks;
    hooks.events = [this](const events::EventQuery& query) { return event_log_->query(query); };
    hooks.events_not_stored = [this] { return events_not_stored_; };
    hooks.reload = [this] { return reload(); };
    hooks.config_file = [this] { return config_.source; };
    hooks.config_error = [this] { return config_error_; };
    AdminPolicy admins;
    try {
        admins = admin_policy_for_group(CMRD_ADMIN_GROUP);
    } catch (const std::runtime_error& e) {
        common::log(LOG_ERR, std::string(e.what()) + ": Reload is for root only");
    }
    manager_ = std::make_unique<ManagerObject>(*bus_, std::move(hooks), admins);
    AgentHooks agent_hooks;
    agent_hooks.changed = [this] { agents_changed_ = true; };
    agent_hooks.release = [this](int /*card*/) { apply_agents(Clock::now()); };
    agent_hooks.feed = [this](int card, const std::string& agent,
                              const std::shared_ptr<capture::ServerFeed>& feed) {
        return devices_->attach_feed(card, agent, feed);
    };
    agent_hooks.feed_warning = [this](int card, const std::string& agent,
                                      const std::string& warning) {
        return devices_->report_feed_warning(card, agent, warning);
    };
    agents_ = std::make_unique<AgentObject>(*bus_, agents::AgentPolicy(), std::move(agent_hooks));
    devices_ = std::make_unique<DeviceManager>(*bus_);
    devices_->use_agents(agents_->registry());
    devices_->restore_alarms(still_raised_alarms(*event_log_));
    devices_->apply(config_);
    agents_changed_ = true; // the first housekeeping publishes the wanted cards

    // The udev monitor exists before the enumeration (CardWatcher's constructor), so no card
    // slips between the two. Without udev, static devices still work.
    try {
        cards_ = std::make_unique<devices::CardWatcher>();
        handle_cards(cards_->start());
    } catch (const std::system_error& e) {
        cards_.reset();
        common::log(LOG_ERR,
                    std::string("udev is not usable, sound cards will not be discovered: ") +
                        e.what());
    }

    // The name last: whoever sees it sees the devices present at start-up.
    try {
        bus_->requestName(bus::service_name);
    } catch (const sdbus::Error& e) {
        throw std::runtime_error(std::string("cannot own ") + bus::service_name + " on the " +
                                 options_.bus + " bus: " + e.getMessage());
    }
    bus_source_ = std::make_unique<bus::BusEventSource>(loop_, *bus_, "its bus");
    if (cards_)
        cards_source_ = common::IoSource(loop_, cards_->fd(), EPOLLIN, [this](std::uint32_t) {
            handle_cards(cards_->process());
        });
    housekeeping_timer_ = common::Timer(loop_, [] {}); // housekeeping() runs after it
    after_dispatch_ = common::PostSource(loop_, [this] { housekeeping(); });

    notifier_.ready("");
    update_status();
    const auto now = Clock::now();
    next_ping_ = now;
    next_reopen_check_ = now + reopen_after;
    housekeeping_timer_.arm_at(now);
}

Daemon::~Daemon()
{
    notifier_.stopping("stopping");
    // Descriptor watches go before what they watch; capture threads end and objects disappear
    // before the name is given up.
    device_sources_.clear();
    cards_source_ = common::IoSource();
    devices_.reset();
    agents_.reset();
    cards_.reset();
    try {
        bus_->releaseName(bus::service_name);
    } catch (const sdbus::Error& e) {
        common::log(LOG_WARNING,
                    "releasing " + std::string(bus::service_name) + ": " + e.getMessage());
    }
    manager_.reset();
    bus_source_.reset();
}

config::DaemonConfig Daemon::read_config() const
{
    // The non-throwing form: a directory cmrd may not search is a ConfigError from
    // load_config() below (rejected on reload), not a std::filesystem exception that ends cmrd.
    std::error_code unreadable;
    if (!options_.config_explicit && !std::filesystem::exists(options_.config_path, unreadable) &&
        !unreadable)
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
        agents_changed_ = true; // devices may have come or gone: the wanted cards too
        common::log(LOG_NOTICE, "configuration reloaded" +
                                    (config_.source.empty() ? std::string(" (built-in defaults)")
                                                            : " from " + config_.source));
    } catch (const config::ConfigError& e) {
        error = e.what();
        config_error_ = e.what();
        common::log(LOG_ERR, "new configuration rejected, the running one stays: " + config_error_);
    }
    manager_->config_changed();
    notifier_.ready("");
    update_status();
    return error;
}

void Daemon::on_signal(int signal)
{
    if (signal == SIGHUP)
        (void)reload(); // the error is logged and published as ConfigError
    else
        loop_.exit(0);
}

void Daemon::handle_cards(const std::vector<devices::CardEvent>& events)
{
    for (const devices::CardEvent& event : events)
        devices_->on_card(event);
    if (!events.empty())
        agents_changed_ = true; // devices came or went: the wanted cards too
    if (cards_)
        for (const std::string& error : cards_->take_errors())
            common::log(LOG_ERR, "udev: " + error);
    if (!events.empty())
        update_status();
}

void Daemon::record(const AlarmChange& change)
{
    events::Event stored = change.event;
    try {
        stored = event_log_->append(change.event);
    } catch (const events::EventNotStored& e) {
        // The alarm still goes out on the bus and to the journal, with its number; only the
        // history lacks it, and shows the gap.
        stored = e.event();
        lost_event(e.what());
    } catch (const std::exception& e) {
        lost_event(e.what());
    }
    events::log_event_to_journal(stored);
    try {
        manager_->announce(change.channel_path, stored, change.stream_time_s);
    } catch (const sdbus::Error& e) {
        common::log(LOG_ERR, "cannot send the alarm signal: " + e.getMessage());
    }
}

void Daemon::lost_event(const std::string& why)
{
    ++events_not_stored_;
    common::log(LOG_ERR, "event log: " + why + " (" + std::to_string(events_not_stored_) +
                             " event(s) not stored since cmrd started)");
    manager_->events_not_stored_changed();
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
            common::log(LOG_CRIT,
                        "capture thread of " + hung +
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

void Daemon::on_device_notify(const MonitoredDevice* device)
{
    // A reload or card event in this iteration may have removed the device: look it up.
    for (const auto& [name, running] : devices_->devices())
        if (running.get() == device) {
            const std::vector<AlarmChange> changes = running->on_notify();
            for (const AlarmChange& change : changes)
                record(change);
            if (!changes.empty())
                update_status();
            return;
        }
}

void Daemon::watch_devices()
{
    // Keyed by device and descriptor: a device restarted by a reload gets a new engine and a
    // new descriptor, and its old source must go with the old descriptor.
    std::set<std::pair<const MonitoredDevice*, int>> wanted;
    for (const auto& [name, device] : devices_->devices())
        wanted.emplace(device.get(), device->notify_fd());
    std::erase_if(device_sources_,
                  [&](const auto& entry) { return !wanted.contains(entry.first); });
    for (const auto& key : wanted)
        if (!device_sources_.contains(key))
            device_sources_.emplace(key,
                                    common::IoSource(loop_, key.second, EPOLLIN,
                                                     [this, device = key.first](std::uint32_t) {
                                                         on_device_notify(device);
                                                     }));
}

Clock::time_point Daemon::next_due(Clock::time_point now) const
{
    Clock::time_point next = std::min(next_ping_, next_reopen_check_);
    const Clock::duration interval = publish_interval(config_);
    for (const auto& [name, device] : devices_->devices())
        if (const auto due = device->next_publish(interval))
            next = std::min(next, *due);
    if (agents_changed_)
        next = std::min(next, next_agent_apply_);
    if (cards_)
        if (const auto retry = cards_->retry_in())
            next = std::min(next, now + *retry);
    return next;
}

void Daemon::apply_agents(Clock::time_point now)
{
    agents_changed_ = false;
    next_agent_apply_ = now + agent_apply_interval;
    agents_->collect();
    devices_->apply_agents();
    agents_->set_wanted_cards(devices_->wanted_cards());
    agents_->set_wanted_feeds(devices_->wanted_feeds());
}

void Daemon::housekeeping()
{
    if (cards_ && cards_->retry_in())
        handle_cards(cards_->process_retries());
    const Clock::time_point now = Clock::now();
    for (const auto& [name, device] : devices_->devices())
        device->publish(now, publish_interval(config_));
    if (now >= next_reopen_check_) {
        devices_->reopen_gone(now, reopen_after);
        devices_->check_holders();
        next_reopen_check_ = now + std::chrono::seconds(1);
    }
    if (agents_changed_ && now >= next_agent_apply_)
        apply_agents(now);
    feed_watchdog(now);
    watch_devices();
    housekeeping_timer_.arm_at(next_due(now));
}

int Daemon::run()
{
    const int status = loop_.run();
    common::log(LOG_INFO, "stopping");
    return status;
}

} // namespace cmrd::service
