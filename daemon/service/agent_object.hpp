// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file agent_object.hpp
/// org.cmrd.Monitor1.AgentManager on /org/cmrd/Monitor1: where cmrd-agent registers and
/// reports which cards its user's sound server reserved (org.cmrd.Monitor1.xml documents the
/// methods). Checks every caller (agents/agent_policy.hpp), keeps what agents report in an
/// agents::AgentRegistry, and forgets an agent the moment it leaves the bus.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "agents/agent_policy.hpp"
#include "agents/agent_registry.hpp"
#include "capture/server_feed.hpp"
#include "monitor1_adaptor.h"

namespace cmrd::service {

struct AgentHooks {
    /// What the agents report changed (a registration, a report, an agent gone). The daemon
    /// applies it to the devices soon, not necessarily at once (a flood of reports coalesces).
    std::function<void()> changed;
    /// An agent was asked to give up @p card's reservation: the devices on that card must have
    /// closed it when this returns.
    std::function<void(int card)> release;
    /// Agent @p agent (its unique bus name) attached a feed for @p card. @return false when no
    /// device wants the card through a server (the call is then refused).
    std::function<bool(int card, const std::string& agent,
                       const std::shared_ptr<capture::ServerFeed>& feed)>
        feed;
    /// Agent @p agent reports @p warning about its feed of @p card. @return false when it has
    /// no feed attached for the card (the call is then refused).
    std::function<bool(int card, const std::string& agent, const std::string& warning)>
        feed_warning;
};

/// Method handlers never let an exception escape (sdbus-c++ would end the process): refusals
/// and failures become D-Bus errors with a message.
class AgentObject final
    : public sdbus::AdaptorInterfaces<org::cmrd::Monitor1::AgentManager_adaptor> {
public:
    AgentObject(sdbus::IConnection& connection, agents::AgentPolicy policy, AgentHooks hooks);
    ~AgentObject();
    AgentObject(const AgentObject&) = delete;
    AgentObject& operator=(const AgentObject&) = delete;

    [[nodiscard]] const agents::AgentRegistry& registry() const { return registry_; }

    /// Publishes the cards cmrd wants held (PropertiesChanged when they changed).
    void set_wanted_cards(std::vector<int> cards);
    /// Publishes the cards cmrd wants captured through a server, the same way.
    void set_wanted_feeds(std::vector<int> cards);

    /// Frees the watches of agents that left. Call outside bus dispatch: a watch cannot be
    /// freed from inside its own handler, where an agent's departure is noticed.
    void collect();

private:
    void RegisterAgent() override;
    void UnregisterAgent() override;
    void UpdateCards(const std::vector<sdbus::Struct<int32_t, std::string, int32_t>>& reserved,
                     const std::vector<int32_t>& held) override;
    void ReleaseCard(const int32_t& card) override;
    void ReportFeed(const int32_t& card, const std::string& warning) override;
    void AttachFeed(const int32_t& card, const sdbus::UnixFd& ring, const sdbus::UnixFd& wakeup,
                    const std::string& source) override;
    std::vector<int32_t> WantedCards() override;
    std::vector<int32_t> WantedFeeds() override;

    /// Who calls the method being handled, from the bus daemon's credentials.
    struct Caller {
        std::string bus_name; ///< its unique name
        uid_t uid = 0;
    };
    /// The caller of @p method; @throws sdbus::Error (AccessDenied) for one the policy refuses.
    Caller allowed_caller(const char* method);
    void forget(const std::string& bus_name, const std::string& why);

    sdbus::IConnection& connection_;
    agents::AgentPolicy policy_;
    AgentHooks hooks_;
    agents::AgentRegistry registry_;
    /// The watch of each agent's unique name: its owner going away means the agent is gone.
    std::map<std::string, sdbus::Slot> presence_;
    std::vector<sdbus::Slot> departed_; ///< watches of agents gone, freed by collect()
    std::vector<int> wanted_;
    std::vector<int> wanted_feeds_;
};

} // namespace cmrd::service
