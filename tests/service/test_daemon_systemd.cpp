// SPDX-License-Identifier: GPL-2.0-or-later
// cmrd and systemd's notify protocol, against a real datagram socket standing in for systemd
// (NOTIFY_SOCKET, WATCHDOG_USEC as systemd sets them for Type=notify with WatchdogSec=):
// READY=1 with a STATUS= line once it serves, WATCHDOG=1 pings at half the watchdog interval,
// pings that STOP while a capture thread hangs (the simulated interface's `hang` fault blocks
// the capture thread inside alsa-lib for 10 s, as a driver stuck in the kernel would), and
// start again when it recovers; STOPPING=1 on SIGTERM.
//
// Time bounds: WATCHDOG_USEC = 2 s, so cmrd pings every 1 s and calls a capture thread hung
// after max(3 s, 1 s) without a turn of its loop. Pings must be no more than 1.5 s apart while
// all is well; from 4.5 s after the hang began until it ends (10 s) there must be none; they
// must be back within 3 s of its end.

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cmrd_rig.hpp"
#include "fault_control.hpp"
#include "notify_socket.hpp"

namespace cmrd::service::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

TEST(DaemonSystemd, ReadyStatusWatchdogThatStopsWhileACaptureThreadHangs)
{
    const ScratchDir scratch;
    NotifySocket notify(scratch.path() / "notify.sock");
    RigOptions options = session_rig(static_device_toml("desk", "sim8", ground_loop_layout));
    options.environment = {{"NOTIFY_SOCKET", notify.path().string()},
                           {"WATCHDOG_USEC", std::string("2000000")}};
    CmrdRig rig(options);

    ASSERT_TRUE(notify.wait_for("READY=1", 5s)) << rig.cmrd().log_text();
    EXPECT_TRUE(notify.wait_for("STATUS=monitoring 1 device(s), 4 channel(s)", 10s))
        << rig.cmrd().log_text();

    // Healthy: pings at about 1 s.
    const auto healthy_from = Clock::now();
    notify.receive_until(healthy_from + 4s);
    std::vector<Clock::time_point> healthy;
    for (const auto t : pings(notify.receive_until(Clock::now())))
        if (t >= healthy_from)
            healthy.push_back(t);
    ASSERT_GE(healthy.size(), 3U) << "pings in 4 s of health";
    for (std::size_t i = 1; i < healthy.size(); ++i)
        EXPECT_LE(seconds(healthy[i] - healthy[i - 1]), 1.5) << "gap between healthy pings";

    // The capture thread hangs inside alsa-lib for 10 s.
    const auto hang_at = Clock::now();
    rig.sim().inject(cmr::sim::Fault::hang);
    const auto hang_end = hang_at + std::chrono::seconds(cmr::sim::hang_seconds);
    notify.receive_until(hang_end);
    std::size_t during = 0;
    for (const auto t : pings(notify.receive_until(Clock::now())))
        if (t >= hang_at + 4500ms && t < hang_end)
            ++during;
    EXPECT_EQ(during, 0U) << "cmrd kept feeding the watchdog while its capture thread hung";
    EXPECT_NE(rig.cmrd().log_text().find("hangs"), std::string::npos)
        << "no log line about the hung capture thread:\n"
        << rig.cmrd().log_text();

    // It recovers (the stream overran meanwhile; recover() restarts it): pings come back.
    notify.receive_until(hang_end + 3s);
    std::size_t after = 0;
    for (const auto t : pings(notify.receive_until(Clock::now())))
        if (t >= hang_end)
            ++after;
    EXPECT_GE(after, 1U) << "no ping within 3 s of the capture thread's recovery";

    rig.cmrd().signal(SIGTERM);
    EXPECT_TRUE(notify.wait_for("STOPPING=1", 5s));
}

} // namespace
} // namespace cmrd::service::testing
