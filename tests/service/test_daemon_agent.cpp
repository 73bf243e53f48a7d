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
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent_fixture.hpp"
#include "cmrd_rig.hpp"
#include "event_fd.hpp"
#include "headless_pipewire.hpp"
#include "scratch_dir.hpp"
#include "service_paths.hpp"
#include "shared_frame_ring.hpp"
#include "sound_testbed.hpp"
#include "synth.hpp"
#include "test_users.hpp"
#include "timing_slack.hpp"

namespace cmrd::service::testing {
namespace {

class Agent : public AgentFixture {
protected:
    static void SetUpTestSuite() { start_studio(ground_loop_scenario()); }
};

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
        const std::size_t mark = cmrd().log_text().size();
        plug(c.access);
        EXPECT_TRUE(state_becomes(c.state, follow_timeout));
        EXPECT_TRUE(state_stays(c.state, 3s)) << cmrd().log_text();
        const std::string reason = device("LastError");
        EXPECT_NE(reason.find(c.application), std::string::npos) << reason;
        EXPECT_NE(reason.find("priority " + std::to_string(c.priority)), std::string::npos)
            << reason;
        // Who reserves the card, on the Device, and once in the journal for the episode.
        EXPECT_EQ(device("Access"), c.access);
        EXPECT_EQ(device("ReservedBy"), c.application);
        EXPECT_EQ(client()
                      .property(device_path(card_id), device_interface, "ReservedPriority")
                      .get<std::int32_t>(),
                  c.priority);
        EXPECT_EQ(device("ReservedUser"), my_user_name());
        const std::string notice = std::string(card_id) + " is held by " + c.application +
                                   " (priority " + std::to_string(c.priority) + ", " +
                                   my_user_name() + "'s session)";
        EXPECT_EQ(count_of(cmrd().log_text().substr(mark), notice), 1U) << cmrd().log_text();
        unplug();
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

TEST_F(Agent, AnAgentWhoseSessionBusEndsLeavesAndCmrdFollows)
{
    // The user's session ends under the agent (logout, or the bus crashes): the agent ends
    // with an error that names its session bus (systemd starts it again with the next
    // session), and cmrd forgets what it reported and captures under its own rules.
    ScratchDir dir;
    auto session = std::make_unique<PrivateBus>(BusKind::session, dir.path());
    const auto log = dir / "wireplumber.log";
    reserve("WirePlumber", -20, log, false, session->address());
    ASSERT_TRUE(wait_for_text(log, "reserve acquired", follow_timeout)) << read_text_file(log);
    start_agent(session->address());
    plug("auto");
    ASSERT_TRUE(state_becomes("shared", follow_timeout)) << agent_log();
    ASSERT_TRUE(reserved_by_becomes("WirePlumber", follow_timeout));

    const std::size_t mark = cmrd().log_text().size();
    session.reset();
    const std::optional<int> status = agent_->wait_exit(10s);
    ASSERT_TRUE(status) << "the agent outlived its session bus:\n" << agent_log();
    EXPECT_NE(*status, 0) << "systemd restarts the agent only after a failure";
    EXPECT_NE(agent_log().find("lost the session bus"), std::string::npos) << agent_log();
    // It said goodbye on its way out, or cmrd saw it leave the bus.
    EXPECT_TRUE(cmrd().wait_for_log("unregistered", mark, 5s) ||
                cmrd().wait_for_log("left the bus", mark, 1s))
        << cmrd().log_text();
    EXPECT_TRUE(reserved_by_becomes("", follow_timeout));
    EXPECT_TRUE(state_becomes("running", follow_timeout));
}

TEST_F(Agent, AgentsComingAndGoingLeakNothing)
{
    // Each agent that comes and goes changes the card's mode (shared with the agent, running
    // without) and so restarts the capture: descriptors and threads must come back to what
    // they were after the first round.
    const auto log = studio_->session_dir / "wireplumber-churn.log";
    reserve("WirePlumber", -20, log);
    ASSERT_TRUE(wait_for_text(log, "reserve acquired", follow_timeout)) << read_text_file(log);
    plug("auto");
    constexpr int rounds = 5;
    std::size_t baseline_fds = 0;
    std::size_t baseline_threads = 0;
    for (int round = 0; round < rounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round + 1));
        start_agent();
        ASSERT_TRUE(state_becomes("shared", follow_timeout)) << agent_log();
        agent_->kill_and_reap();
        ASSERT_TRUE(state_becomes("running", follow_timeout));
        const std::size_t fds = cmrd().open_fd_count();
        const std::size_t threads = cmrd().thread_count();
        if (round == 0) {
            baseline_fds = fds;
            baseline_threads = threads;
            continue;
        }
        EXPECT_LE(fds, baseline_fds) << "descriptors grow with each agent";
        EXPECT_LE(threads, baseline_threads) << "threads grow with each agent";
    }
}

TEST_F(Agent, RealWirePlumberKeepsItsCardThroughSuspendsAndRestarts)
{
    // The studio as it is: real PipeWire and WirePlumber in the user's session, WirePlumber
    // reserving the card at -20 as for every card it manages, the agent beside them, the card
    // in access mode auto. cmrd must leave the card to the server through idle suspends
    // (PipeWire closes the PCM) and through a restart of the server, and every recording
    // through the server must get the card.
    if (cmr::sim::sanitizer_build)
        GTEST_SKIP() << "a sound server cannot load the sanitizer-instrumented simulated "
                        "interface (the plain build runs this test)";
    HeadlessPipeWire server("sim8", 8, card_number);
    const std::size_t agent_mark = agent_log().size();
    start_agent(server.bus_address());
    // The agent has told cmrd about WirePlumber before the card appears.
    ASSERT_TRUE(client().wait_for(
        [&](const Recording&) {
            return agent_log().find("told cmrd: card 1 reserved by WirePlumber", agent_mark) !=
                   std::string::npos;
        },
        follow_timeout))
        << agent_log();
    const std::size_t plugged = cmrd().log_text().size();
    plug("auto");
    ASSERT_TRUE(state_becomes("shared", follow_timeout)) << agent_log() << server.log();
    EXPECT_EQ(cmrd().log_text().find(std::string(card_id) + ": capturing", plugged),
              std::string::npos)
        << "cmrd opened a card WirePlumber manages:\n"
        << cmrd().log_text();
    ASSERT_TRUE(reserved_by_becomes("WirePlumber", follow_timeout));
    EXPECT_EQ(client()
                  .property(device_path(card_id), device_interface, "ReservedPriority")
                  .get<std::int32_t>(),
              -20);

    for (int round = 1; round <= 2; ++round) {
        SCOPED_TRACE("recording " + std::to_string(round));
        const HeadlessPipeWire::Recording recording = server.record(2s);
        EXPECT_GT(recording.seconds, 1.0) << recording.command.describe() << server.log();
        // Idle: WirePlumber suspends the node after 5 s and PipeWire closes the card.
        EXPECT_TRUE(state_stays("shared", 7s)) << "cmrd took the card PipeWire had suspended:\n"
                                               << cmrd().log_text();
    }

    // The server stops: nobody reserves the card, the agent holds it for cmrd, cmrd captures.
    server.stop();
    EXPECT_TRUE(reserved_by_becomes("", follow_timeout));
    EXPECT_TRUE(state_becomes("running", follow_timeout)) << agent_log();
    // It starts again: WirePlumber asks for the card, cmrd closes it, and the server records.
    const std::size_t mark = cmrd().log_text().size();
    server.start();
    EXPECT_TRUE(state_becomes("shared", follow_timeout)) << agent_log() << server.log();
    EXPECT_TRUE(reserved_by_becomes("WirePlumber", follow_timeout));
    EXPECT_TRUE(cmrd().wait_for_log(std::string(card_id) + " is held by WirePlumber", mark, 1s))
        << cmrd().log_text();
    const HeadlessPipeWire::Recording after = server.record(2s);
    EXPECT_GT(after.seconds, 1.0) << after.command.describe() << server.log();
    EXPECT_TRUE(agent_->running()) << agent_log();
}

TEST_F(Agent, ACardLeftToItsServerIsMeasuredThroughTheFeedAnAgentAttaches)
{
    // The test is the agent: it reports WirePlumber's reservation, then hands cmrd a frame ring
    // and writes a sound server's frames into it (the agent's PipeWire side is not built yet).
    // Real cmrd, real bus, the ring's real descriptors passed over D-Bus.
    auto bus = sdbus::createSessionBusConnectionWithAddress(studio_->rig.bus().address());
    auto manager = sdbus::createProxy(*bus, service_name, root_path);
    manager->callMethod("RegisterAgent").onInterface(agent_manager_interface);
    using Reserved = std::vector<sdbus::Struct<std::int32_t, std::string, std::int32_t>>;
    manager->callMethod("UpdateCards")
        .onInterface(agent_manager_interface)
        .withArguments(Reserved{{card_number, "WirePlumber", -20}}, std::vector<std::int32_t>{});
    plug("auto");
    ASSERT_TRUE(state_becomes("shared", follow_timeout));
    EXPECT_TRUE(client().wait_for(
        [&](const Recording&) {
            return manager->getProperty("WantedFeeds")
                       .onInterface(agent_manager_interface)
                       .get<std::vector<std::int32_t>>() == std::vector<std::int32_t>{card_number};
        },
        follow_timeout));

    common::SharedRingWriter ring(common::RingFormat{8, 48000, 96000});
    const common::UniqueFd wakeup(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    const auto attach = [&](int card, int ring_fd) -> std::string {
        try {
            manager->callMethod("AttachFeed")
                .onInterface(agent_manager_interface)
                .withArguments(std::int32_t{card}, sdbus::UnixFd(ring_fd),
                               sdbus::UnixFd(wakeup.get()), std::string("test feed"));
        } catch (const sdbus::Error& e) {
            return e.getName() + ": " + e.getMessage();
        }
        return "";
    };
    // Refused, saying why: a card cmrd does not want through a server, a ring that could
    // shrink under cmrd's mapping.
    EXPECT_NE(attach(5, ring.fd()).find("does not monitor card 5"), std::string::npos);
    const common::UniqueFd unsealed(::memfd_create("unsealed", MFD_CLOEXEC));
    ASSERT_EQ(::ftruncate(unsealed.get(), 4096), 0);
    EXPECT_NE(attach(card_number, unsealed.get()).find("F_SEAL_SHRINK"), std::string::npos);
    // A server profile with fewer inputs than the lines need (stereo for an 8-input card).
    common::SharedRingWriter stereo(common::RingFormat{2, 48000, 96000});
    EXPECT_NE(attach(card_number, stereo.fd()).find("line 3/4 of SIM8 needs input 4"),
              std::string::npos)
        << attach(card_number, stereo.fd());
    EXPECT_EQ(device("State"), "shared");

    // The real thing: cmrd measures the frames the "server" delivers.
    ASSERT_EQ(attach(card_number, ring.fd()), "");
    cmr::synth::Scenario scenario;
    scenario.inputs = 8;
    scenario.sample_rate = 48000;
    scenario.duration_s = 30.0;
    scenario.mains.frequency_hz = 50.037;
    cmr::synth::PairSpec loop;
    loop.hot = 1;
    loop.cold = 2;
    loop.mismatch = 0.01;
    loop.cm_hum = {-40.0, {0.0}};
    scenario.pairs.push_back(loop);
    cmr::synth::Synth synth(scenario);
    std::vector<float> block(1024 * 8);
    std::int64_t at = 0;
    const auto feed_until = [&](const std::function<bool()>& done) {
        for (const auto since = Clock::now(); Clock::now() - since < 20s && !done();) {
            synth.render(at, block);
            at += 1024;
            ring.write(block);
            common::signal_event_fd(wakeup.get());
            std::this_thread::sleep_for(std::chrono::microseconds(1024 * 1000000 / 48000));
        }
        return done();
    };
    EXPECT_TRUE(feed_until([&] { return device("State") == "running"; })) << cmrd().log_text();
    EXPECT_EQ(device("CapturedThrough"), "test feed (" + my_user_name() + "'s cmrd-agent)");
    const auto mains = [&] {
        return client().property(device_path(card_id), device_interface, "MainsHz").get<double>();
    };
    EXPECT_TRUE(feed_until([&] { return !std::isnan(mains()); })) << cmrd().log_text();
    EXPECT_NEAR(mains(), 50.037, 0.02);
    std::printf("through the feed: mains %.4f Hz after %.1f s of frames\n", mains(),
                static_cast<double>(at) / 48000.0);

    // The agent leaves: its feed and its report go, and cmrd captures the card itself.
    bus.reset();
    EXPECT_TRUE(client().wait_for(
        [&](const Recording&) { return device("CapturedThrough").empty(); }, follow_timeout));
    EXPECT_TRUE(state_becomes("running", follow_timeout));
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
