// SPDX-License-Identifier: GPL-2.0-or-later
// cmr-notify when either side restarts, against real parts: cmrd on the simulated interface
// with steady faults (tests/notify/steady-faults.toml: a ground loop on 1/2, poor CMRR on
// 3/4, legs in phase on 5/6, hum in the signal on 7/8) on a private "system" bus, and the
// recording notification server on a private session bus.
//   1. cmr-notify starts after the four alarms are active: one summary, no flood.
//   2. cmrd restarts with the same lines: once its alarms are back, nothing is shown.
//   3. The notification server dies, then cmrd restarts measuring only three lines: the
//      summary of the new situation cannot be shown; it reaches the new server as soon as
//      it appears, as a new notification (the old ids died with the old server).
// Wall time about 45 s (three cmrd start-ups of about 8 s each, two settle periods).

#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "notify_harness.hpp"

namespace notifytest {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

/// cmr-notify's settle time after cmrd appears. cmrd raises these steady alarms 4.5 to
/// 7.5 s after it starts (analysis warm-up plus the 0.5 s hold times of the test
/// configuration), so 12 s leaves a margin for a loaded machine.
constexpr int settle_s = 12;

const std::map<std::string, std::set<std::string>> all_four = {
    {"1/2", {"ground_loop"}}, {"3/4", {"cmrr_low"}}, {"5/6", {"wiring"}}, {"7/8", {"hum"}}};

bool alarms_are(const std::string& bus, const std::map<std::string, std::set<std::string>>& want)
{
    try {
        return cmrd_alarms(bus) == want;
    } catch (const std::exception&) {
        return false; // cmrd not (yet) on the bus
    }
}

TEST(NotifyRestarts, StartupSummaryThenRestartsOfCmrdAndOfTheNotificationServer)
{
    Rig rig("steady-faults.toml", 8, "1/2 3/4 5/6 7/8");
    const std::string first_log = rig.file("calls-first.jsonl");
    auto server = rig.start_server("calls-first.jsonl");
    auto cmrd = rig.start_cmrd();
    ASSERT_TRUE(wait_until([&] { return alarms_are(rig.system_bus(), all_four); }, 20s))
        << rig.logs();

    // 1. Start-up with four alarms active: one summary.
    auto notify = rig.start_notify({"--min-interval", "5", "--settle", std::to_string(settle_s)});
    ASSERT_TRUE(wait_until([&] { return !recorded(first_log, "Notify").empty(); }, 5s))
        << rig.logs();
    std::this_thread::sleep_for(2s); // a flood would arrive within this
    std::vector<json> calls = recorded(first_log, "Notify");
    ASSERT_EQ(calls.size(), 1U) << rig.logs();
    const json summary = calls[0];
    EXPECT_EQ(summary.at("summary"), "cmrd: 4 alarms active on desk");
    EXPECT_EQ(summary.at("replaces_id"), 0);
    EXPECT_EQ(summary.at("hints").at("urgency"), 2); // the hum on 7/8 reaches the signal
    const std::string body = summary.at("body");
    EXPECT_THAT(body, HasSubstr("line 1/2: ground loop (common-mode hum -4"));
    EXPECT_THAT(body, HasSubstr("line 3/4: poor common-mode rejection (CMRR 3"));
    EXPECT_THAT(body, HasSubstr("line 5/6: wiring fault (legs in phase)"));
    EXPECT_THAT(body, HasSubstr("line 7/8: hum (-7"));

    // 2. cmrd restarts; its alarms come back within the settle time: nothing to tell.
    EXPECT_EQ(cmrd->stop(SIGTERM), 0);
    cmrd = rig.start_cmrd();
    const Clock::time_point restarted = Clock::now();
    ASSERT_TRUE(wait_until([&] { return alarms_are(rig.system_bus(), all_four); }, 20s))
        << rig.logs();
    const auto back_after = Clock::now() - restarted;
    ASSERT_LT(back_after, std::chrono::seconds(settle_s))
        << "cmrd took longer than the settle time to raise its alarms again; the check below "
           "would not mean anything";
    std::cout << "cmrd's four alarms were back "
              << std::chrono::duration<double>(back_after).count() << " s after its restart\n";
    std::this_thread::sleep_until(restarted + std::chrono::seconds(settle_s) + 3s);
    calls = recorded(first_log, "Notify");
    EXPECT_EQ(calls.size(), 1U) << "a restart of cmrd with the same alarms told something:\n"
                                << calls.back().dump() << "\n"
                                << rig.logs();

    // 3. The notification server dies; cmrd comes back without line 7/8.
    EXPECT_EQ(server->stop(SIGKILL), 128 + SIGKILL);
    EXPECT_EQ(cmrd->stop(SIGTERM), 0);
    rig.configure_cmrd("1/2 3/4 5/6");
    cmrd = rig.start_cmrd();
    const Clock::time_point reconfigured = Clock::now();
    // Past the settle time the summary is due; its Notify fails (no server) and is retried.
    std::this_thread::sleep_until(reconfigured + std::chrono::seconds(settle_s) + 2s);
    ASSERT_TRUE(notify->running()) << rig.logs();
    const std::string second_log = rig.file("calls-second.jsonl");
    server = rig.start_server("calls-second.jsonl", 100);
    const double server_ready = recorded(second_log, "ready").at(0).at("time");
    ASSERT_TRUE(wait_until([&] { return !recorded(second_log, "Notify").empty(); }, 8s))
        << rig.logs();
    std::this_thread::sleep_for(1s);
    const std::vector<json> after = recorded(second_log, "Notify");
    ASSERT_EQ(after.size(), 1U) << rig.logs();
    EXPECT_EQ(after[0].at("summary"), "cmrd restarted: 3 alarms active on desk");
    EXPECT_EQ(after[0].at("replaces_id"), 0); // the old server's ids are gone
    EXPECT_EQ(after[0].at("id"), 100);
    EXPECT_EQ(after[0].at("hints").at("urgency"), 1); // no hum in any signal now
    EXPECT_THAT(after[0].at("body").get<std::string>(), Not(HasSubstr("7/8")));
    // The new server's name is noticed at once (NameOwnerChanged): no wait for the 5 s retry.
    const double latency = after[0].at("time").get<double>() - server_ready;
    std::cout << "the summary reached the new server " << latency << " s after it appeared\n";
    EXPECT_LT(latency, 1.0);

    EXPECT_EQ(notify->stop(SIGTERM), 0) << rig.logs();
    EXPECT_EQ(cmrd->stop(SIGTERM), 0);
}

} // namespace
} // namespace notifytest
