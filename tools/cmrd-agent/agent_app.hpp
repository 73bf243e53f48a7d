// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file agent_app.hpp
/// cmrd-agent as a whole, on the one event loop (common/event_loop.hpp) serving both buses:
/// - follows the card reservations on the user's session bus (reservation_watch.hpp) and
///   reports them to cmrd (org.cmrd.Monitor1.AgentManager.UpdateCards);
/// - holds the reservation of every card cmrd wants held (its WantedCards) while no one else
///   does (card_hold.hpp), and passes requests for those cards on to cmrd (ReleaseCard);
/// - captures the cards cmrd wants through the sound server (its WantedFeeds) and hands the
///   frames over (feed_manager.hpp);
/// - registers again whenever cmrd (re)appears, and drops every hold and feed while cmrd is
///   away, so that no one ever waits for a cmrd that is not there.
/// SIGTERM/SIGINT end it; a bus that goes away ends it with an error (the user unit restarts
/// it).

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "bus_event_source.hpp"
#include "card_hold.hpp"
#include "event_loop.hpp"
#include "feed_manager.hpp"
#include "monitor1_proxy.h"
#include "options.hpp"
#include "reservation_watch.hpp"
#include "systemd_notifier.hpp"

namespace cmrdagent {

/// cmrd's AgentManager, with its WantedCards and WantedFeeds followed through
/// PropertiesChanged.
class AgentManagerProxy final
    : public sdbus::ProxyInterfaces<org::cmrd::Monitor1::AgentManager_proxy,
                                    sdbus::Properties_proxy> {
public:
    /// @p wanted_changed runs when either list changes.
    AgentManagerProxy(sdbus::IConnection& bus, std::function<void()> wanted_changed);
    ~AgentManagerProxy();
    AgentManagerProxy(const AgentManagerProxy&) = delete;
    /// ReleaseCard, waiting at most @p timeout. @throws sdbus::Error.
    void release_card(int card, std::chrono::microseconds timeout);
    AgentManagerProxy& operator=(const AgentManagerProxy&) = delete;

private:
    void onPropertiesChanged(const std::string& interface_name,
                             const std::map<std::string, sdbus::Variant>& changed,
                             const std::vector<std::string>& invalidated) override;

    std::function<void()> wanted_changed_;
};

/// What the agent last told cmrd.
struct Report {
    std::vector<sdbus::Struct<std::int32_t, std::string, std::int32_t>> reserved;
    std::vector<std::int32_t> held;
    bool operator==(const Report&) const = default;
};

/// "card 1 reserved by WirePlumber (priority -20); holding card 2 for cmrd", or "nothing".
[[nodiscard]] std::string describe(const Report& report);

class AgentApp {
public:
    /// Connects to both buses and starts following the reservations. @throws std::exception
    /// naming what failed (a bus that cannot be reached).
    explicit AgentApp(const Options& options);
    ~AgentApp();
    AgentApp(const AgentApp&) = delete;
    AgentApp& operator=(const AgentApp&) = delete;

    /// Runs until SIGTERM or SIGINT (returns 0). Tells systemd it is ready (Type=notify) once
    /// it has first talked to cmrd, or found it absent: a sound server ordered after the agent
    /// then finds the cards cmrd captures held for it, and asks for them instead of failing
    /// to open them. @throws cmrd::bus::BusLost naming the bus that went away.
    int run();

private:
    /// After whatever the loop handled: sync_with_cmrd(), and READY=1 the first time.
    void reconcile();
    /// Register, take or drop holds, report what changed.
    void sync_with_cmrd();
    bool ensure_registered();
    void update_holds();
    [[nodiscard]] Report current_report() const;
    /// A RequestRelease for a held card: cmrd must close it first.
    bool release_to_requester(int card, std::int32_t priority);

    cmrd::common::EventLoop loop_;
    cmrd::common::SignalSource signals_;
    std::unique_ptr<sdbus::IConnection> system_bus_;
    std::unique_ptr<sdbus::IConnection> session_bus_;
    std::unique_ptr<ReservationWatch> reservations_;
    std::unique_ptr<AgentManagerProxy> cmrd_;
    sdbus::Slot cmrd_presence_;
    bool cmrd_present_ = false;
    bool registered_ = false;
    bool wanted_stale_ = true;
    std::vector<int> wanted_;
    std::vector<int> wanted_feeds_;
    std::map<int, std::unique_ptr<CardHold>> holds_;
    /// Cards recently given up to a requester, not to be taken again before then.
    std::map<int, std::chrono::steady_clock::time_point> hands_off_until_;
    std::optional<Report> reported_;
    std::string last_problem_; ///< logged once until it changes
    std::unique_ptr<cmrd::bus::BusEventSource> system_source_;
    std::unique_ptr<cmrd::bus::BusEventSource> session_source_;
    std::unique_ptr<FeedManager> feeds_;
    cmrd::common::SystemdNotifier notifier_;
    bool ready_sent_ = false;
    cmrd::common::Timer retry_;
    cmrd::common::PostSource after_dispatch_;
};

} // namespace cmrdagent
