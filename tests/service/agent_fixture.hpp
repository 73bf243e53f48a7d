// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file agent_fixture.hpp
/// The studio of the cmrd-agent tests: cmrd on its bus with a umockdev card (card 1, "SIM8",
/// the simulated interface as its PCM, one opener at a time as hardware), a private session
/// bus for the user, and the real cmrd-agent started and stopped by the tests.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>

#include "child_process.hpp"
#include "cmrd_rig.hpp"
#include "private_bus.hpp"
#include "scratch_dir.hpp"
#include "service_paths.hpp"
#include "sound_testbed.hpp"
#include "timing_slack.hpp"

namespace cmrd::service::testing {

using namespace std::chrono_literals;
using devices::testing::FakeCard;
using devices::testing::SoundTestbed;

inline constexpr int card_number = 1;
inline constexpr const char* card_id = "SIM8";
inline constexpr const char* reservation = "Audio1";
inline const auto follow_timeout = 5s * cmr::sim::timing_slack;
inline const auto grant_limit = 1s * cmr::sim::timing_slack;

inline FakeCard studio_card(const std::string& access)
{
    return FakeCard{card_number,
                    card_id,
                    {{"CMRD_MONITOR", "1"},
                     {"CMRD_CHANNELS", ground_loop_layout},
                     {"CMRD_PCM", "sim8"},
                     {"CMRD_ACCESS", access}}};
}

/// cmrd with the testbed (first: cmrd inherits it) and the user's session bus; the simulated
/// interface plays @p scenario.
struct AgentStudio {
    explicit AgentStudio(const std::filesystem::path& scenario)
        : rig([&] {
              RigOptions options = session_rig("[dbus]\npublish_rate_hz = 4\n");
              options.one_opener = true;
              options.scenario = scenario;
              return options;
          }())
    {}
    SoundTestbed testbed;
    CmrdRig rig;
    ScratchDir session_dir;
    PrivateBus session{BusKind::session, session_dir.path()};
};

/// The studio for a whole test suite, and what its tests do with it. A suite's fixture derives
/// from it and starts the studio in its SetUpTestSuite (start_studio()).
class AgentFixture : public ::testing::Test {
protected:
    static void start_studio(const std::filesystem::path& scenario)
    {
        studio_ = std::make_unique<AgentStudio>(scenario);
    }
    static void TearDownTestSuite() { studio_.reset(); }

    void TearDown() override
    {
        reservers_.clear();
        agent_.reset();
        if (!syspath_.empty())
            unplug();
        EXPECT_TRUE(cmrd().running()) << "cmrd ended; it said:\n" << cmrd().log_text();
    }

    static CmrdProcess& cmrd() { return studio_->rig.cmrd(); }
    static MonitorClient& client() { return studio_->rig.client(); }

    /// Whether the card's Device object is there.
    static bool device_exists()
    {
        try {
            (void)device("State");
            return true;
        } catch (const sdbus::Error&) {
            return false;
        }
    }

    /// Unplugs the card and waits until its Device is gone, and with it cmrd's PCM: a sound
    /// server started next may open the card.
    void unplug()
    {
        studio_->testbed.unplug_card(syspath_, card_number);
        syspath_.clear();
        EXPECT_TRUE(
            client().wait_for([](const Recording&) { return !device_exists(); }, follow_timeout))
            << cmrd().log_text();
    }

    void plug(const std::string& access)
    {
        syspath_ = studio_->testbed.plug_card(studio_card(access));
        ASSERT_TRUE(
            client().wait_for([](const Recording&) { return device_exists(); }, follow_timeout))
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

    /// The real cmrd-agent between cmrd's bus and a user's session bus (by default the
    /// studio's, where pw-reserve runs), in @p environment (a sound server's), with
    /// @p options.
    void start_agent(const std::string& session_address = {},
                     const EnvironmentChanges& environment = {},
                     const std::vector<std::string>& options = {})
    {
        std::vector<std::string> argv{
            cmrd_agent_binary().string(), "--system-bus=" + studio_->rig.bus().address(),
            "--session-bus=" +
                (session_address.empty() ? studio_->session.address() : session_address)};
        argv.insert(argv.end(), options.begin(), options.end());
        agent_ = std::make_unique<ChildProcess>(
            ChildOptions{argv, environment, studio_->session_dir / "agent.log"});
    }

    /// Waits until the Device names @p application (or no one, for "") as the reserver.
    static ::testing::AssertionResult reserved_by_becomes(const std::string& application,
                                                          Clock::duration timeout)
    {
        if (client().wait_for([&](const Recording&) { return device("ReservedBy") == application; },
                              timeout))
            return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure() << "ReservedBy \"" << device("ReservedBy")
                                             << "\", not \"" << application << "\"; cmrd said:\n"
                                             << cmrd().log_text();
    }

    /// pw-reserve on the user's session bus (by default the studio's); its output goes to
    /// @p log.
    ChildProcess& reserve(const std::string& application, std::int64_t priority,
                          const std::filesystem::path& log, bool request_release = false,
                          const std::string& session_address = {})
    {
        std::vector<std::string> argv{
            "pw-reserve", "-n", reservation, "-a", application, "-p", std::to_string(priority)};
        if (request_release)
            argv.emplace_back("-r");
        reservers_.push_back(std::make_unique<ChildProcess>(
            ChildOptions{argv,
                         {{"DBUS_SESSION_BUS_ADDRESS",
                           session_address.empty() ? studio_->session.address() : session_address}},
                         log}));
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

    inline static std::unique_ptr<AgentStudio> studio_;
    std::string syspath_;
    std::unique_ptr<ChildProcess> agent_;
    std::vector<std::unique_ptr<ChildProcess>> reservers_;
};

} // namespace cmrd::service::testing
