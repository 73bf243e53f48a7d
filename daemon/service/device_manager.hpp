// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file device_manager.hpp
/// Keeps the running devices equal to the plan (device_plan.hpp): starts what the
/// configuration and udev ask for, stops what they no longer ask for, and restarts a device
/// only when its capture settings changed (new alarm thresholds are applied in place).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "agents/agent_registry.hpp"
#include "config/daemon_config.hpp"
#include "devices/card_info.hpp"
#include "service/device_plan.hpp"
#include "service/monitored_device.hpp"

namespace cmrd::service {

class DeviceManager {
public:
    explicit DeviceManager(sdbus::IConnection& connection);
    ~DeviceManager();
    DeviceManager(const DeviceManager&) = delete;
    DeviceManager& operator=(const DeviceManager&) = delete;

    /// Alarms active when cmrd last stored an event, by device name: each device gets its own
    /// when it starts for the first time (MonitoredDevice restores them). Call before apply().
    void restore_alarms(std::map<std::string, std::vector<RestoredAlarm>> alarms)
    {
        restored_alarms_ = std::move(alarms);
    }

    /// Applies a (new) configuration. Devices whose capture settings did not change keep
    /// running.
    void apply(const config::DaemonConfig& config);

    /// A card appeared or went away.
    void on_card(const devices::CardEvent& event);

    /// The running devices, by name.
    [[nodiscard]] const std::map<std::string, std::unique_ptr<MonitoredDevice>>& devices() const
    {
        return running_;
    }

    /// Decides with what @p agents report (it must outlive the manager) whether each device it
    /// starts may open its card (agents/card_access.hpp). Call before apply().
    void use_agents(const agents::AgentRegistry& agents) { agents_ = &agents; }
    /// Brings every device up to date with what the agents report; a device that must leave
    /// its card has closed it when this returns.
    void apply_agents();
    /// The cards whose reservation cmrd wants an agent to hold for it: those of running devices
    /// in access mode `yield` or `auto` that no other application reserved. Sorted.
    [[nodiscard]] std::vector<int> wanted_cards() const;
    /// The cards cmrd wants an agent to capture through its sound server: those of devices
    /// left to a server (left_to_server()). Sorted.
    [[nodiscard]] std::vector<int> wanted_feeds() const;
    /// Agent @p agent's feed of @p card, for the devices on that card that want one (replacing
    /// a previous feed). @return whether any device took it. @throws agents::ReportError when
    /// the feed lacks an input a line of such a device needs (saying which).
    bool attach_feed(int card, const std::string& agent,
                     const std::shared_ptr<capture::ServerFeed>& feed);
    /// Agent @p agent's @p warning about its feed of @p card (ServerFeed::warning), published
    /// by the devices it feeds. @return false when the agent has no feed of that card.
    bool report_feed_warning(int card, const std::string& agent, const std::string& warning);

    /// Looks up who holds the cards of busy devices (MonitoredDevice::check_holders).
    void check_holders();

    /// Reopens static devices whose capture ended more than @p retry_after ago.
    void reopen_gone(Clock::time_point now, Clock::duration retry_after);

private:
    void reconcile();
    void start(const std::string& name, PlannedDevice& planned);
    [[nodiscard]] std::optional<capture::Standby>
    standby_for(const capture::CaptureConfig& capture) const;
    /// Another application's reservation of the capture's card, as the agents report it.
    [[nodiscard]] std::optional<agents::Reservation>
    reservation_for(const capture::CaptureConfig& capture) const;
    /// Whether a device of @p capture, under @p standby (standby_for()), is left to a sound
    /// server (access `shared`, or `auto` on a card a server reserved) and so wants a feed.
    [[nodiscard]] static bool left_to_server(const capture::CaptureConfig& capture,
                                             const std::optional<capture::Standby>& standby);
    /// The feed for a device of @p capture under @p standby now: its card's, while it is left
    /// to a server and the agent that attached the feed is registered.
    [[nodiscard]] std::shared_ptr<capture::ServerFeed>
    feed_for(const capture::CaptureConfig& capture,
             const std::optional<capture::Standby>& standby) const;

    sdbus::IConnection& connection_;
    config::DaemonConfig config_;
    std::map<std::string, devices::CardInfo> cards_; ///< every ready card, by syspath
    std::map<std::string, std::unique_ptr<MonitoredDevice>> running_;
    std::map<std::string, CaptureKey> capture_keys_; ///< by device name
    /// The feeds agents attached, by card: which agent's, and the feed.
    struct AttachedFeed {
        std::string agent;
        std::shared_ptr<capture::ServerFeed> feed;
    };
    std::map<int, AttachedFeed> feeds_;
    std::vector<std::string> reported_problems_;
    std::map<std::string, std::vector<RestoredAlarm>> restored_alarms_; ///< not yet handed out
    const agents::AgentRegistry* agents_ = nullptr;
};

} // namespace cmrd::service
