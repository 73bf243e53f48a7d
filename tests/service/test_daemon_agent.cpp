// SPDX-License-Identifier: GPL-2.0-or-later
// cmrd-agent between cmrd and a user's session bus, with real parts: cmrd on its bus with a
// umockdev card (card 1, "SIM8", the simulated interface as its PCM, one opener at a time as
// hardware), a private session bus for the user, the real cmrd-agent, and real `pw-reserve`
// processes reserving org.freedesktop.ReserveDevice1.Audio1 exactly as WirePlumber (priority
// -20) and JACK2 (2147483647) do, or asking for the card as any application does.
//
// Tolerances:
// - cmrd follows a change of reservation within 5 s (the agent reports at once; cmrd applies
//   reports within 0.2 s and restarts the capture; the rest is slack for a loaded machine);
// - a request for a card cmrd captures (yield) is granted within 1 s (the promise to
//   requesters: cmrd closes the card first), times the sanitizer slack.

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>
#include <signal.h>

#include "cmrd_rig.hpp"
#include "scratch_dir.hpp"
#include "service_paths.hpp"
#include "sound_testbed.hpp"
#include "timing_slack.hpp"

namespace cmrd::service::testing {
namespace {

using namespace std::chrono_literals;
using devices::testing::FakeCard;
using devices::testing::SoundTestbed;

constexpr int card_number = 1;
constexpr const char* card_id = "SIM8";
constexpr const char* reservation = "Audio1";
const auto follow_timeout = 5s * cmr::sim::timing_slack;
const auto grant_limit = 1s * cmr::sim::timing_slack;

FakeCard studio_card(const std::string& access)
{
    return FakeCard{card_number,
                    card_id,
                    {{"CMRD_MONITOR", "1"},
                     {"CMRD_CHANNELS", ground_loop_layout},
                     {"CMRD_PCM", "sim8"},
                     {"CMRD_ACCESS", access}}};
}

/// cmrd with the testbed (first: cmrd inherits it) and the user's session bus.
struct AgentStudio {
    SoundTestbed testbed;
    CmrdRig rig{[] {
        RigOptions options = session_rig("[dbus]\npublish_rate_hz = 4\n");
        options.one_opener = true;
        return options;
    }()};
    ScratchDir session_dir;
    PrivateBus session{BusKind::session, session_dir.path()};
};

class Agent : public ::testing::Test {
protected:
    static void SetUpTestSuite() { studio_ = std::make_unique<AgentStudio>(); }
    static void TearDownTestSuite() { studio_.reset(); }

    void TearDown() override
    {
        reservers_.clear();
        agent_.reset();
        if (!syspath_.empty())
            studio_->testbed.unplug_card(syspath_, card_number);
        EXPECT_TRUE(cmrd().running()) << "cmrd ended; it said:\n" << cmrd().log_text();
    }

    static CmrdProcess& cmrd() { return studio_->rig.cmrd(); }
    static MonitorClient& client() { return studio_->rig.client(); }

    void plug(const std::string& access)
    {
        syspath_ = studio_->testbed.plug_card(studio_card(access));
        ASSERT_TRUE(client().wait_for(
            [&](const Recording&) {
                try {
                    (void)device("State");
                    return true;
                } catch (const sdbus::Error&) {
                    return false;
                }
            },
            follow_timeout))
            << "the card's Device did not appear; cmrd said:\n"
            << cmrd().log_text();
    }

    static std::string device(const std::string& name)
    {
        return client().property(device_path(card_id), device_interface, name).get<std::string>();
    }

    /// Waits until the Device's State is @p state. @return whether it became so.
    static ::testing::AssertionResult state_becomes(const std::string& state,
                                                    Clock::duration timeout)
    {
        if (client().wait_for([&](const Recording&) { return device("State") == state; }, timeout))
            return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure()
               << "State " << device("State") << " (LastError \"" << device("LastError")
               << "\"), not " << state << "; cmrd said:\n"
               << cmrd().log_text();
    }

    /// Watches the Device for @p period: its State must stay @p state.
    static ::testing::AssertionResult state_stays(const std::string& state, Clock::duration period)
    {
        for (const auto since = Clock::now(); Clock::now() - since < period;) {
            if (const std::string now = device("State"); now != state)
                return ::testing::AssertionFailure()
                       << "State " << now << " after "
                       << std::chrono::duration<double>(Clock::now() - since).count() << " s";
            std::this_thread::sleep_for(200ms);
        }
        return ::testing::AssertionSuccess();
    }

    void start_agent()
    {
        agent_ = std::make_unique<ChildProcess>(ChildOptions{
            {cmrd_agent_binary().string(), "--system-bus=" + studio_->rig.bus().address(),
             "--session-bus=" + studio_->session.address()},
            {},
            studio_->session_dir / "agent.log"});
    }

    /// pw-reserve on the user's session bus; its output goes to @p log.
    ChildProcess& reserve(const std::string& application, std::int64_t priority,
                          const std::filesystem::path& log, bool request_release = false)
    {
        std::vector<std::string> argv{
            "pw-reserve", "-n", reservation, "-a", application, "-p", std::to_string(priority)};
        if (request_release)
            argv.emplace_back("-r");
        reservers_.push_back(std::make_unique<ChildProcess>(
            ChildOptions{argv, {{"DBUS_SESSION_BUS_ADDRESS", studio_->session.address()}}, log}));
        return *reservers_.back();
    }

    /// Waits until @p log contains @p text. @return how long it took, nullopt on timeout.
    static std::optional<Clock::duration> wait_for_text(const std::filesystem::path& log,
                                                        const std::string& text,
                                                        Clock::duration timeout)
    {
        const auto since = Clock::now();
        while (Clock::now() - since < timeout) {
            if (read_text_file(log).find(text) != std::string::npos)
                return Clock::now() - since;
            std::this_thread::sleep_for(10ms);
        }
        return std::nullopt;
    }

    static std::string agent_log() { return read_text_file(studio_->session_dir / "agent.log"); }

    static std::unique_ptr<AgentStudio> studio_;
    std::string syspath_;
    std::unique_ptr<ChildProcess> agent_;
    std::vector<std::unique_ptr<ChildProcess>> reservers_;
};

std::unique_ptr<AgentStudio> Agent::studio_;

TEST_F(Agent, ACardReservedByAnotherApplicationIsNeverOpenedAndItsReserverIsNamed)
{
    start_agent();
    // JACK2 reserves at INT32_MAX while it runs, WirePlumber at -20 all the time; pw-reserve
    // stands in for both. `yield` waits for the card, `auto` leaves it to the sound server.
    struct Case {
        std::string access;
        std::string application;
        std::int64_t priority;
        std::string state;
    };
    for (const Case& c : {Case{"yield", "Jack audio server", 2147483647, "busy"},
                          Case{"auto", "WirePlumber", -20, "shared"},
                          Case{"exclusive", "WirePlumber", -20, "busy"}}) {
        SCOPED_TRACE(c.access + " against " + c.application);
        const auto log = studio_->session_dir / ("reserve-" + c.access + ".log");
        reserve(c.application, c.priority, log);
        ASSERT_TRUE(wait_for_text(log, "reserve acquired", follow_timeout)) << read_text_file(log);
        plug(c.access);
        EXPECT_TRUE(state_becomes(c.state, follow_timeout));
        EXPECT_TRUE(state_stays(c.state, 3s)) << cmrd().log_text();
        const std::string reason = device("LastError");
        EXPECT_NE(reason.find(c.application), std::string::npos) << reason;
        EXPECT_NE(reason.find("priority " + std::to_string(c.priority)), std::string::npos)
            << reason;
        studio_->testbed.unplug_card(syspath_, card_number);
        syspath_.clear();
        reservers_.clear();
    }
    EXPECT_TRUE(agent_->running()) << agent_log();
}

TEST_F(Agent, YieldGivesTheCardUpWithinASecondOfARequestAndTakesItBackAfter)
{
    start_agent();
    plug("yield");
    // The agent holds Audio1 for cmrd at the lowest priority, and cmrd captures.
    ASSERT_TRUE(state_becomes("running", follow_timeout)) << agent_log();

    // An application asks for the card (priority 10 > INT32_MIN): cmrd closes the card, then
    // the agent grants it.
    const auto log = studio_->session_dir / "requester.log";
    reserve("Recording app", 10, log, /*request_release=*/true);
    const std::optional<Clock::duration> granted =
        wait_for_text(log, "reserve acquired", 10s * cmr::sim::timing_slack);
    ASSERT_TRUE(granted) << read_text_file(log) << "\nagent:\n" << agent_log();
    std::printf("request granted after %.0f ms\n",
                std::chrono::duration<double, std::milli>(*granted).count());
    EXPECT_LE(*granted, grant_limit)
        << "granted after " << std::chrono::duration<double>(*granted).count() << " s";
    // cmrd closed the card before the grant: the requester can open it at once.
    EXPECT_NE(device("State"), "running");
    // (arecord is not instrumented: it cannot load a sanitizer build of the plugin.)
    if (!cmr::sim::sanitizer_build) {
        const CommandResult recording =
            run_command({"arecord", "-q", "-D", "sim8", "-f", "S32_LE", "-c", "8", "-r", "48000",
                         "-d", "1", "/dev/null"});
        EXPECT_TRUE(recording.ok()) << recording.describe();
    }
    EXPECT_TRUE(state_becomes("busy", follow_timeout));
    EXPECT_TRUE(client().wait_for(
        [&](const Recording&) {
            return device("LastError").find("Recording app (priority 10") != std::string::npos;
        },
        follow_timeout))
        << device("LastError");

    // The application lets go: the agent takes the name again and cmrd captures again.
    reservers_.clear();
    EXPECT_TRUE(state_becomes("running", follow_timeout + 3s)) << agent_log();
    EXPECT_TRUE(agent_->running()) << agent_log();
}

TEST_F(Agent, CmrdFollowsAnAgentKilledAndStartedAgain)
{
    const auto log = studio_->session_dir / "wireplumber.log";
    reserve("WirePlumber", -20, log);
    ASSERT_TRUE(wait_for_text(log, "reserve acquired", follow_timeout)) << read_text_file(log);
    start_agent();
    plug("auto");
    ASSERT_TRUE(state_becomes("shared", follow_timeout));

    // Killed: cmrd forgets what it said and, with no agent left, captures under its own rules
    // (no process holds the card's PCM).
    const std::size_t mark = cmrd().log_text().size();
    agent_->kill_and_reap();
    EXPECT_TRUE(cmrd().wait_for_log("left the bus", mark, 5s)) << cmrd().log_text();
    EXPECT_TRUE(state_becomes("running", follow_timeout));

    // Started again: the card is the sound server's again.
    start_agent();
    EXPECT_TRUE(state_becomes("shared", follow_timeout)) << agent_log();
}

TEST_F(Agent, HostileReportsAreRefusedOrContained)
{
    plug("yield");
    ASSERT_TRUE(state_becomes("running", follow_timeout));
    auto bus = sdbus::createSessionBusConnectionWithAddress(studio_->rig.bus().address());
    auto manager = sdbus::createProxy(*bus, service_name, root_path);
    using Reserved = std::vector<sdbus::Struct<std::int32_t, std::string, std::int32_t>>;
    const auto update = [&](const Reserved& reserved, const std::vector<std::int32_t>& held) {
        manager->callMethod("UpdateCards")
            .onInterface(agent_manager_interface)
            .withArguments(reserved, held);
    };
    const auto error_of = [&](const std::function<void()>& call) -> std::string {
        try {
            call();
        } catch (const sdbus::Error& e) {
            return e.getName();
        }
        return "";
    };
    // Reports before registering, cards out of range, too many entries: refused.
    EXPECT_EQ(error_of([&] { update({}, {}); }), "org.freedesktop.DBus.Error.InvalidArgs");
    manager->callMethod("RegisterAgent").onInterface(agent_manager_interface);
    EXPECT_EQ(error_of([&] {
                  update({{99, "x", 0}}, {});
              }),
              "org.freedesktop.DBus.Error.InvalidArgs");
    EXPECT_EQ(error_of([&] { update({}, std::vector<std::int32_t>(33, 1)); }),
              "org.freedesktop.DBus.Error.InvalidArgs");
    EXPECT_EQ(error_of([&] {
                  manager->callMethod("ReleaseCard")
                      .onInterface(agent_manager_interface)
                      .withArguments(std::int32_t{-5});
              }),
              "org.freedesktop.DBus.Error.InvalidArgs");

    // A flood of flapping reports with a hostile name: every call answered, cmrd unharmed,
    // and the last report is what counts.
    const std::string hostile = std::string("evil\n\x1b[31m") + std::string(500, 'A');
    for (int i = 0; i < 1000; ++i)
        update(i % 2 == 0 ? Reserved{{card_number, hostile, 5}} : Reserved{}, {});
    update({{card_number, hostile, 5}}, {});
    EXPECT_TRUE(state_becomes("busy", follow_timeout));
    const std::string reason = device("LastError");
    EXPECT_EQ(reason.find('\n'), std::string::npos) << reason;
    EXPECT_EQ(reason.find('\x1b'), std::string::npos) << reason;
    EXPECT_LT(reason.size(), 300U) << reason;

    // The hostile agent leaves: forgotten, and the card is captured again.
    bus.reset();
    EXPECT_TRUE(state_becomes("running", follow_timeout));
}

} // namespace
} // namespace cmrd::service::testing
