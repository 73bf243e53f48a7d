// SPDX-License-Identifier: GPL-2.0-or-later
// What the agents report and what it means for opening a card (daemon/agents): the registry's
// bounds against a hostile agent, the access rules of cmrd.toml(5), and who may be an agent.

#include <gtest/gtest.h>

#include "agents/agent_policy.hpp"
#include "agents/agent_registry.hpp"
#include "agents/card_access.hpp"

namespace cmrd::agents {
namespace {

using capture::AccessMode;
using capture::CaptureState;

TEST(AgentRegistry, TheHighestPriorityReservationOfAnyAgentCounts)
{
    AgentRegistry registry;
    EXPECT_FALSE(registry.view(1).any_agent);
    registry.add(":1.5", "alice");
    registry.add(":1.6", "bob");
    registry.update(":1.5", {{1, "WirePlumber", -20, ""}}, {});
    registry.update(":1.6", {{1, "Jack audio server", 2147483647, ""}}, {2});
    const CardView one = registry.view(1);
    EXPECT_TRUE(one.any_agent);
    ASSERT_TRUE(one.reserved);
    EXPECT_EQ(one.reserved->application, "Jack audio server");
    EXPECT_EQ(one.reserved->user, "bob"); // the reporting agent's user, not the report's word
    EXPECT_FALSE(one.held_for_cmrd);
    EXPECT_TRUE(registry.view(2).held_for_cmrd);
    EXPECT_FALSE(registry.view(2).reserved);

    // A new report replaces the old one; an agent gone takes everything it said with it.
    registry.update(":1.6", {}, {});
    EXPECT_EQ(registry.view(1).reserved->application, "WirePlumber");
    EXPECT_TRUE(registry.remove(":1.5"));
    EXPECT_FALSE(registry.view(1).reserved);
    EXPECT_FALSE(registry.remove(":1.5"));
}

TEST(AgentRegistry, HostileReportsAreRefusedWholeAndNamesCleaned)
{
    AgentRegistry registry;
    EXPECT_THROW(registry.update(":1.9", {}, {}), ReportError); // not registered
    registry.add(":1.9", "alice");
    registry.update(":1.9", {{3, "ok", 0, ""}}, {});
    EXPECT_THROW(registry.update(":1.9", {{32, "x", 0, ""}}, {}), ReportError);
    EXPECT_THROW(registry.update(":1.9", {}, {-1}), ReportError);
    EXPECT_THROW(registry.update(":1.9", {}, std::vector<int>(max_entries + 1, 1)), ReportError);
    EXPECT_THROW(registry.release(":1.9", 40), ReportError);
    EXPECT_EQ(registry.view(3).reserved->application, "ok"); // the refused ones changed nothing

    registry.update(":1.9", {{3, "evil\n\x1b[31m" + std::string(200, 'A'), 0, ""}}, {});
    const std::string name = registry.view(3).reserved->application;
    EXPECT_EQ(name.find('\n'), std::string::npos);
    EXPECT_EQ(name.find('\x1b'), std::string::npos);
    EXPECT_EQ(name.size(), max_name_length);
    // UTF-8 is cut between characters, never inside one.
    EXPECT_EQ(clean_name(std::string(63, 'a') + "\xc3\xa9"), std::string(63, 'a'));

    for (std::size_t i = 1; i < max_agents; ++i)
        registry.add(":2." + std::to_string(i), "alice");
    EXPECT_THROW(registry.add(":3.0", "alice"), ReportError);
    registry.add(":1.9", "alice"); // registering again is harmless
}

CardView reserved_by(const std::string& application, int priority)
{
    return CardView{true, Reservation{1, application, priority, "alice"}, false};
}

TEST(CardAccess, NoModeOpensACardAnotherApplicationReserved)
{
    const auto shared = standby_for(AccessMode::automatic, 1, reserved_by("WirePlumber", -20));
    ASSERT_TRUE(shared);
    EXPECT_EQ(shared->state, CaptureState::shared);
    EXPECT_NE(shared->reason.find("WirePlumber (priority -20, alice's session)"), std::string::npos)
        << shared->reason;
    for (const AccessMode mode : {AccessMode::yield, AccessMode::exclusive}) {
        const auto busy = standby_for(mode, 1, reserved_by("Jack audio server", 2147483647));
        ASSERT_TRUE(busy);
        EXPECT_EQ(busy->state, CaptureState::busy);
        EXPECT_NE(busy->reason.find("Audio1 is reserved by Jack audio server"), std::string::npos)
            << busy->reason;
    }
    // `shared` is the engine's own standby; a PCM of no card has no reservation.
    EXPECT_FALSE(standby_for(AccessMode::shared, 1, reserved_by("WirePlumber", -20)));
    EXPECT_FALSE(standby_for(AccessMode::automatic, -1, reserved_by("WirePlumber", -20)));
}

TEST(CardAccess, YieldAndAutoWaitForTheAgentsHoldWhileAnyAgentIsThere)
{
    for (const AccessMode mode : {AccessMode::yield, AccessMode::automatic}) {
        EXPECT_FALSE(standby_for(mode, 1, CardView{})); // no agent: the engine's own rules
        const auto waiting = standby_for(mode, 1, CardView{true, std::nullopt, false});
        ASSERT_TRUE(waiting);
        EXPECT_EQ(waiting->state, CaptureState::busy);
        EXPECT_FALSE(standby_for(mode, 1, CardView{true, std::nullopt, true}));
    }
    EXPECT_FALSE(standby_for(AccessMode::exclusive, 1, CardView{true, std::nullopt, false}));
}

TEST(AgentPolicy, RootAudioGroupAndActiveSeatUsersOnly)
{
    const AgentPolicy seatless(std::nullopt, [](uid_t) { return false; });
    EXPECT_FALSE(seatless.refusal(0));
    EXPECT_TRUE(seatless.refusal(65534));
    const AgentPolicy seat(std::nullopt, [](uid_t uid) { return uid == 1000; });
    EXPECT_FALSE(seat.refusal(1000));
    const std::optional<std::string> refused = seat.refusal(1001);
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->find("group audio"), std::string::npos) << *refused;
}

} // namespace
} // namespace cmrd::agents
