// SPDX-License-Identifier: GPL-2.0-or-later
// cmr-notify against real parts: cmrd on the simulated 12-input interface
// (tests/notify/notify-live.toml) on a private "system" bus, and the recording notification
// server on a private session bus. cmr-notify starts before any alarm is raised; then
//   1/2    a ground loop the link rejects, from 2 s to 10 s: a normal-urgency notification,
//          replaced by a "resolved" one (same id);
//   11/12  the same, but the test dismisses the notification: "resolved" is a new one;
//   3/4    poor CMRR, 5/6 legs in phase, 7/8 hum in the signal (critical): one each;
//   9/10   a ground loop that comes and goes every 2.5 s from 4 s to 19 s: the rate limit.
// Wall time about 25 s.

#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>
#include <regex>
#include <string>
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

/// cmr-notify's rate limit in this test.
constexpr double min_interval_s = 5.0;
/// Two Notify calls of one channel reach the server at least min_interval_s apart, less this
/// much: the interval runs from the arrival of the previous reply in cmr-notify, so only
/// scheduling jitter can make two arrivals at the server look closer (none has been seen).
constexpr double interval_tolerance_s = 0.1;

/// The line a notification is about ("1/2"), from its summary ("... on desk, line 1/2").
std::string line_of(const json& call)
{
    const std::string summary = call.at("summary");
    const std::string marker = ", line ";
    const auto at = summary.rfind(marker);
    return at == std::string::npos ? "" : summary.substr(at + marker.size());
}

std::vector<json> calls_for(const std::vector<json>& calls, const std::string& line)
{
    std::vector<json> out;
    for (const json& call : calls)
        if (line_of(call) == line)
            out.push_back(call);
    return out;
}

/// The first number before @p unit in @p text ("... -45.3 dBFS ..."), or nullopt.
std::optional<double> number_before(const std::string& text, const std::string& unit)
{
    const std::regex pattern("(-?[0-9]+\\.[0-9]) " + unit);
    std::smatch match;
    if (!std::regex_search(text, match, pattern))
        return std::nullopt;
    return std::stod(match[1]);
}

bool is_resolved(const json& call)
{
    return call.at("summary").get<std::string>().rfind("Resolved", 0) == 0;
}

TEST(NotifyAlarms, LiveAlarmsReplacedResolvedDismissedAndRateLimited)
{
    Rig rig("notify-live.toml", 12, "1/2 3/4 5/6 7/8 9/10 11/12");
    const std::string log = rig.file("calls.jsonl");
    auto server = rig.start_server("calls.jsonl");
    auto cmrd = rig.start_cmrd();
    const Clock::time_point cmrd_started = Clock::now();
    auto notify = rig.start_notify({"--min-interval", "5", "--settle", "20"});
    const auto notifies = [&] { return recorded(log, "Notify"); };

    // Dismiss 11/12's ground-loop notification as soon as it is shown.
    std::optional<std::uint32_t> dismissed;
    ASSERT_TRUE(wait_until(
        [&] {
            const auto calls = calls_for(notifies(), "11/12");
            if (calls.empty())
                return false;
            dismissed = calls.front().at("id").get<std::uint32_t>();
            return true;
        },
        15s))
        << rig.logs();
    dismiss(rig.session_bus(), *dismissed);

    // The scenario's last change: 9/10's ground loop goes at 16.5 s (cleared about 2 s later).
    // Then every line's latest state must have been shown.
    ASSERT_TRUE(wait_until(
        [&] {
            if (Clock::now() < cmrd_started + 21s)
                return false;
            const auto alarms = cmrd_alarms(rig.system_bus());
            const auto flapping = calls_for(notifies(), "9/10");
            return alarms.at("9/10").empty() && !flapping.empty() && is_resolved(flapping.back()) &&
                   calls_for(notifies(), "1/2").size() == 2 &&
                   calls_for(notifies(), "11/12").size() == 2;
        },
        20s))
        << rig.logs();
    const std::size_t flapping_events = cmrd_event_count(rig.system_bus(), "9/10");
    EXPECT_EQ(notify->stop(SIGTERM), 0) << rig.logs();

    const std::vector<json> calls = notifies();
    for (const json& call : calls) {
        SCOPED_TRACE(call.dump());
        EXPECT_EQ(call.at("app_name"), "cmrd");
        EXPECT_EQ(call.at("hints").at("category"), "device");
        EXPECT_EQ(call.at("hints").at("desktop-entry"), "cmr-notify");
        EXPECT_TRUE(call.at("actions").empty());
        // Started before any alarm: no start-up summary.
        EXPECT_THAT(call.at("summary").get<std::string>(), Not(HasSubstr("alarms active")));
    }

    // 1/2: a ground loop the link rejects (normal), then resolved in the same notification.
    const auto loop = calls_for(calls, "1/2");
    ASSERT_EQ(loop.size(), 2U) << rig.logs();
    EXPECT_EQ(loop[0].at("summary"), "Ground loop on desk, line 1/2");
    EXPECT_EQ(loop[0].at("replaces_id"), 0);
    EXPECT_EQ(loop[0].at("hints").at("urgency"), 1);
    const std::string body = loop[0].at("body");
    // The scenario's common-mode hum: -82 + 36 dBFS fundamental, plus odd harmonics.
    const std::optional<double> cm = number_before(body, "dBFS");
    ASSERT_TRUE(cm.has_value()) << body;
    EXPECT_NEAR(*cm, -46.0, 2.0) << body;
    EXPECT_THAT(body, HasSubstr("The link rejects it"));
    EXPECT_THAT(body, HasSubstr("one outlet strip"));
    EXPECT_THAT(body, HasSubstr("Do not remove protective earth"));
    EXPECT_EQ(loop[1].at("summary"), "Resolved: ground loop on desk, line 1/2");
    EXPECT_EQ(loop[1].at("replaces_id"), loop[0].at("id"));
    EXPECT_EQ(loop[1].at("id"), loop[0].at("id"));
    EXPECT_EQ(loop[1].at("hints").at("urgency"), 0);
    EXPECT_GT(loop[1].at("expire_timeout").get<int>(), 0);
    // cmrd clears it about 2 s after 10 s; the rate limit does not delay it (sent at 5.5 s).
    EXPECT_GE(loop[1].at("time").get<double>() - loop[0].at("time").get<double>(),
              min_interval_s - interval_tolerance_s);

    // 11/12: dismissed by the user, so "resolved" opens a new notification.
    const auto dismissed_loop = calls_for(calls, "11/12");
    ASSERT_EQ(dismissed_loop.size(), 2U) << rig.logs();
    EXPECT_EQ(dismissed_loop[0].at("summary"), "Ground loop on desk, line 11/12");
    EXPECT_EQ(dismissed_loop[1].at("summary"), "Resolved: ground loop on desk, line 11/12");
    EXPECT_EQ(dismissed_loop[1].at("replaces_id"), 0);
    EXPECT_NE(dismissed_loop[1].at("id"), dismissed_loop[0].at("id"));

    // The steady faults: one notification each, never repeated.
    const auto cmrr = calls_for(calls, "3/4");
    ASSERT_EQ(cmrr.size(), 1U) << rig.logs();
    EXPECT_EQ(cmrr[0].at("summary"), "Poor common-mode rejection on desk, line 3/4");
    EXPECT_EQ(cmrr[0].at("hints").at("urgency"), 1);
    const std::optional<double> cmrr_db = number_before(cmrr[0].at("body"), "dB,");
    ASSERT_TRUE(cmrr_db.has_value()) << cmrr[0].at("body");
    EXPECT_NEAR(*cmrr_db, 30.0, 3.0); // the scenario's leg mismatch 0.0316: 30.0 dB
    EXPECT_THAT(cmrr[0].at("body").get<std::string>(), HasSubstr("cold leg grounded"));

    const auto wiring = calls_for(calls, "5/6");
    ASSERT_EQ(wiring.size(), 1U) << rig.logs();
    EXPECT_EQ(wiring[0].at("summary"), "Wiring fault on desk, line 5/6");
    EXPECT_THAT(wiring[0].at("body").get<std::string>(), HasSubstr("pins 2 and 3 are not bridged"));

    const auto hum = calls_for(calls, "7/8");
    ASSERT_EQ(hum.size(), 1U) << rig.logs();
    EXPECT_EQ(hum[0].at("summary"), "Hum in the signal on desk, line 7/8");
    EXPECT_EQ(hum[0].at("hints").at("urgency"), 2);
    EXPECT_EQ(hum[0].at("app_icon"), "dialog-warning");
    const std::string hum_body = hum[0].at("body");
    const std::optional<double> hum_dbfs = number_before(hum_body, "dBFS on line 7/8");
    ASSERT_TRUE(hum_dbfs.has_value()) << hum_body;
    // Differential hum -72 dBFS fundamental with weaker harmonics: about -71.5 in total.
    EXPECT_NEAR(*hum_dbfs, -71.5, 2.0);

    // 9/10: every update replaces the previous one, at most one per interval; the changes in
    // between are coalesced (fewer updates than cmrd's events) and the last state is shown.
    const auto flapping = calls_for(calls, "9/10");
    ASSERT_GE(flapping.size(), 2U) << rig.logs();
    EXPECT_EQ(flapping[0].at("replaces_id"), 0);
    for (std::size_t i = 1; i < flapping.size(); ++i) {
        EXPECT_EQ(flapping[i].at("replaces_id"), flapping[i - 1].at("id")) << i;
        EXPECT_GE(flapping[i].at("time").get<double>() - flapping[i - 1].at("time").get<double>(),
                  min_interval_s - interval_tolerance_s)
            << i;
        EXPECT_NE(is_resolved(flapping[i]), is_resolved(flapping[i - 1])) << i;
    }
    EXPECT_TRUE(is_resolved(flapping.back()));
    double smallest_gap = 1e9;
    for (std::size_t i = 1; i < flapping.size(); ++i)
        smallest_gap = std::min(smallest_gap, flapping[i].at("time").get<double>() -
                                                  flapping[i - 1].at("time").get<double>());
    std::cout << "9/10: " << flapping_events << " alarm changes in cmrd, " << flapping.size()
              << " notifications, smallest gap between two " << smallest_gap << " s\n";
    EXPECT_GE(flapping_events, 4U) << "the scenario should make the alarm flap";
    EXPECT_LT(flapping.size(), flapping_events);

    EXPECT_EQ(calls.size(), loop.size() + dismissed_loop.size() + cmrr.size() + wiring.size() +
                                hum.size() + flapping.size())
        << rig.logs();
    EXPECT_EQ(cmrd->stop(SIGTERM), 0);
}

} // namespace
} // namespace notifytest
