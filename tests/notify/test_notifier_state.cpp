// SPDX-License-Identifier: GPL-2.0-or-later
// cmr-notify's decisions (tools/cmr-notify/notifier_state.hpp), driven by hand with a fake
// clock: one notification per channel and its replacement, the rate limit and coalescing,
// the start-up summary, cmrd restarting, dismissal, and the notification server failing.

#include <chrono>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "notifier_state.hpp"

namespace cmrnotify {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

const std::string gl_path = "/org/cmrd/Monitor1/devices/desk/pair_1_2";
const std::string hum_path = "/org/cmrd/Monitor1/devices/desk/pair_7_8";
const std::string wiring_path = "/org/cmrd/Monitor1/devices/desk/pair_5_6";

AlarmChange change(const std::string& channel, const std::string& alarm, bool raised)
{
    AlarmChange c;
    c.figures.device = "desk";
    c.figures.channel = channel;
    c.alarm = cmrd::wire::parse_alarm_kind(alarm);
    c.raised = raised;
    c.figures.cm_hum_dbfs = raised ? -45.0 : -82.0;
    c.figures.hum_dbfs = alarm == "hum" ? -70.0 : -100.0;
    return c;
}

/// A channel with alarms given as cmrd spells them ("ground_loop").
ChannelAlarms channel(const std::string& id, std::initializer_list<std::string_view> alarms)
{
    AlarmSet set;
    for (const std::string_view alarm : alarms)
        set.insert(cmrd::wire::parse_alarm_kind(alarm));
    return ChannelAlarms{"desk", id, std::move(set), {}};
}

/// A NotifierState with a clock the test moves, a server that answers with increasing ids,
/// and the snapshot answered from a map the test sets.
class Harness {
public:
    explicit Harness(NotifierSettings settings = {}) : settings_(settings), state_(settings, now_)
    {}

    /// Takes the actions due now; answers Notify with the next id (or fails them all when the
    /// server is "down"); returns them.
    Actions step()
    {
        Actions actions = state_.take_actions(now_);
        if (actions.snapshot)
            last_snapshot_ = actions.snapshot;
        for (const NotifyRequest& request : actions.notify) {
            if (server_down_) {
                state_.notify_failed(request.slot, now_);
                continue;
            }
            const std::uint32_t id =
                request.replaces_id != 0 && open_.count(request.replaces_id) != 0
                    ? request.replaces_id
                    : next_id_++;
            open_[id] = true;
            state_.notify_succeeded(request.slot, id, now_);
            ids_[request.slot] = id;
        }
        return actions;
    }

    /// Answers the pending snapshot request with @p channels.
    void answer_snapshot(std::map<std::string, ChannelAlarms> channels)
    {
        ASSERT_TRUE(last_snapshot_.has_value()) << "no snapshot was requested";
        state_.snapshot_received(*last_snapshot_, std::move(channels));
        last_snapshot_.reset();
    }

    void advance(Clock::duration d) { now_ += d; }
    void dismiss(std::uint32_t id)
    {
        open_.erase(id);
        state_.notification_closed(id);
    }

    NotifierState& state() { return state_; }
    Clock::time_point now() const { return now_; }
    std::uint32_t id_of(const std::string& slot) { return ids_[slot]; }
    std::optional<std::uint64_t> last_snapshot() const { return last_snapshot_; }
    bool server_down_ = false;

private:
    NotifierSettings settings_;
    Clock::time_point now_ = Clock::time_point(1000s);
    NotifierState state_;
    std::uint32_t next_id_ = 1;
    std::map<std::uint32_t, bool> open_;
    std::map<std::string, std::uint32_t> ids_;
    std::optional<std::uint64_t> last_snapshot_;
};

/// A harness that started with cmrd running and no alarm active (live, nothing shown).
Harness live_without_alarms(NotifierSettings settings = {})
{
    Harness h(settings);
    const Actions first = h.step();
    EXPECT_TRUE(first.snapshot.has_value());
    h.answer_snapshot({{gl_path, channel("1/2", {})}, {hum_path, channel("7/8", {})}});
    EXPECT_TRUE(h.state().live());
    return h;
}

TEST(NotifierState, StartupWithActiveAlarmsGivesOneSummaryInsteadOfAFlood)
{
    Harness h;
    const Actions first = h.step();
    ASSERT_TRUE(first.snapshot.has_value()); // asked for at once
    EXPECT_TRUE(first.notify.empty());
    h.answer_snapshot({{gl_path, channel("1/2", {"ground_loop"})},
                       {hum_path, channel("7/8", {"hum"})},
                       {wiring_path, channel("5/6", {"wiring"})}});
    const Actions summary = h.step();
    ASSERT_EQ(summary.notify.size(), 1U);
    EXPECT_EQ(summary.notify[0].slot, summary_slot);
    EXPECT_EQ(summary.notify[0].replaces_id, 0U);
    EXPECT_EQ(summary.notify[0].notification.summary, "cmrd: 3 alarms active on desk");
    EXPECT_EQ(summary.notify[0].notification.urgency, Urgency::critical);
    // Nothing more, now or later: every channel counts as told.
    h.advance(60s);
    EXPECT_TRUE(h.step().notify.empty());
    EXPECT_FALSE(h.state().next_wakeup().has_value());
}

TEST(NotifierState, StartupWithoutAlarmsIsSilent)
{
    Harness h = live_without_alarms();
    EXPECT_TRUE(h.step().notify.empty());
    EXPECT_FALSE(h.state().next_wakeup().has_value());
}

TEST(NotifierState, OneNotificationPerChannelReplacedThenResolved)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    const Actions raised = h.step();
    ASSERT_EQ(raised.notify.size(), 1U);
    EXPECT_EQ(raised.notify[0].slot, gl_path);
    EXPECT_EQ(raised.notify[0].replaces_id, 0U);
    EXPECT_EQ(raised.notify[0].notification.summary, "Ground loop on desk, line 1/2");
    const std::uint32_t id = h.id_of(gl_path);

    h.advance(11s);
    h.state().alarm_changed(gl_path, change("1/2", "hum", true));
    const Actions worse = h.step();
    ASSERT_EQ(worse.notify.size(), 1U);
    EXPECT_EQ(worse.notify[0].replaces_id, id);
    EXPECT_EQ(worse.notify[0].notification.urgency, Urgency::critical);

    h.advance(11s);
    h.state().alarm_changed(gl_path, change("1/2", "hum", false));
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", false));
    const Actions resolved = h.step();
    ASSERT_EQ(resolved.notify.size(), 1U);
    EXPECT_EQ(resolved.notify[0].replaces_id, id);
    EXPECT_EQ(resolved.notify[0].notification.summary,
              "Resolved: hum and ground loop on desk, line 1/2");
    EXPECT_EQ(resolved.notify[0].notification.urgency, Urgency::low);
}

TEST(NotifierState, RateLimitCoalescesAndShowsTheLatestStateWhenTheIntervalEnds)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    ASSERT_EQ(h.step().notify.size(), 1U);
    const Clock::time_point sent = h.now();

    // Cleared, raised, cleared again within the interval: nothing goes out meanwhile.
    for (int i = 0; i < 3; ++i) {
        h.advance(2s);
        h.state().alarm_changed(gl_path, change("1/2", "ground_loop", i % 2 == 1));
        EXPECT_TRUE(h.step().notify.empty());
    }
    ASSERT_TRUE(h.state().next_wakeup().has_value());
    EXPECT_EQ(*h.state().next_wakeup(), sent + 10s);

    h.advance(sent + 10s - h.now() - 1ms);
    EXPECT_TRUE(h.step().notify.empty());
    h.advance(1ms);
    const Actions latest = h.step();
    ASSERT_EQ(latest.notify.size(), 1U);
    EXPECT_THAT(latest.notify[0].notification.summary, HasSubstr("Resolved"));
}

TEST(NotifierState, FlappingBackToWhatIsShownSendsNothing)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    ASSERT_EQ(h.step().notify.size(), 1U);
    h.advance(3s);
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", false));
    h.advance(3s);
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    h.advance(10s);
    EXPECT_TRUE(h.step().notify.empty());
    EXPECT_FALSE(h.state().next_wakeup().has_value());
}

TEST(NotifierState, ChannelsAreLimitedSeparately)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    ASSERT_EQ(h.step().notify.size(), 1U);
    h.advance(1s);
    h.state().alarm_changed(hum_path, change("7/8", "hum", true));
    const Actions other = h.step();
    ASSERT_EQ(other.notify.size(), 1U);
    EXPECT_EQ(other.notify[0].slot, hum_path);
}

TEST(NotifierState, NothingNewWhileANotifyIsInFlight)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    const Actions first = h.state().take_actions(h.now()); // not answered yet
    ASSERT_EQ(first.notify.size(), 1U);
    h.advance(20s);
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", false));
    EXPECT_TRUE(h.state().take_actions(h.now()).notify.empty());
    h.state().notify_succeeded(gl_path, 42, h.now());
    h.advance(10s);
    const Actions resolved = h.step();
    ASSERT_EQ(resolved.notify.size(), 1U);
    EXPECT_EQ(resolved.notify[0].replaces_id, 42U);
}

TEST(NotifierState, DismissedIsNotShownAgainForTheSameStateAndTheNextChangeIsNew)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    ASSERT_EQ(h.step().notify.size(), 1U);
    h.dismiss(h.id_of(gl_path));
    h.advance(30s);
    // The same alarm raised again (e.g. replayed) is the state the user dismissed.
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    EXPECT_TRUE(h.step().notify.empty());

    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", false));
    const Actions resolved = h.step();
    ASSERT_EQ(resolved.notify.size(), 1U);
    EXPECT_EQ(resolved.notify[0].replaces_id, 0U); // the old one is gone: a new notification
}

TEST(NotifierState, FailedNotifyIsRetriedWithANewNotification)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    ASSERT_EQ(h.step().notify.size(), 1U);
    const std::uint32_t id = h.id_of(gl_path);
    h.advance(20s);

    h.server_down_ = true;
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", false));
    const Actions failed = h.step();
    ASSERT_EQ(failed.notify.size(), 1U);
    EXPECT_EQ(failed.notify[0].replaces_id, id);
    ASSERT_TRUE(h.state().next_wakeup().has_value());
    EXPECT_EQ(*h.state().next_wakeup(), h.now() + 5s); // the retry delay

    h.server_down_ = false;
    h.advance(4s);
    EXPECT_TRUE(h.step().notify.empty());
    h.advance(1s);
    const Actions retried = h.step();
    ASSERT_EQ(retried.notify.size(), 1U);
    EXPECT_EQ(retried.notify[0].replaces_id, 0U);
    EXPECT_THAT(retried.notify[0].notification.summary, HasSubstr("Resolved"));
}

TEST(NotifierState, ServerAppearingRetriesAtOnce)
{
    Harness h = live_without_alarms();
    h.server_down_ = true;
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    ASSERT_EQ(h.step().notify.size(), 1U); // failed
    h.server_down_ = false;
    h.advance(100ms);
    EXPECT_TRUE(h.step().notify.empty());
    h.state().server_appeared();
    EXPECT_EQ(h.step().notify.size(), 1U);
}

TEST(NotifierState, ServerVanishingForgetsIds)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    ASSERT_EQ(h.step().notify.size(), 1U);
    h.state().server_vanished();
    h.advance(20s);
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", false));
    const Actions resolved = h.step();
    ASSERT_EQ(resolved.notify.size(), 1U);
    EXPECT_EQ(resolved.notify[0].replaces_id, 0U);
}

TEST(NotifierState, CmrdRestartWithTheSameAlarmsTellsNothing)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    ASSERT_EQ(h.step().notify.size(), 1U);
    h.advance(30s);

    h.state().cmrd_vanished();
    h.advance(1s);
    h.state().cmrd_appeared(h.now());
    // The new cmrd raises its alarm again while settling: no per-channel notification.
    h.advance(8s);
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    EXPECT_TRUE(h.step().notify.empty());
    EXPECT_FALSE(h.last_snapshot().has_value());
    h.advance(12s); // 20 s of settling
    const Actions snapshot = h.step();
    ASSERT_TRUE(snapshot.snapshot.has_value());
    h.answer_snapshot({{gl_path, channel("1/2", {"ground_loop"})}, {hum_path, channel("7/8", {})}});
    const Actions after = h.step();
    EXPECT_TRUE(after.notify.empty());
    EXPECT_TRUE(after.close.empty());
}

TEST(NotifierState, CmrdRestartWithOtherAlarmsGivesASummaryAndClosesStaleNotifications)
{
    Harness h;
    (void)h.step();
    h.answer_snapshot({{gl_path, channel("1/2", {"ground_loop"})}});
    const Actions startup = h.step();
    ASSERT_EQ(startup.notify.size(), 1U);
    const std::uint32_t summary_id = h.id_of(summary_slot);
    h.advance(30s);
    h.state().alarm_changed(hum_path, change("7/8", "hum", true));
    ASSERT_EQ(h.step().notify.size(), 1U);
    const std::uint32_t hum_id = h.id_of(hum_path);

    h.advance(30s);
    h.state().cmrd_vanished();
    h.state().cmrd_appeared(h.now());
    h.advance(20s);
    ASSERT_TRUE(h.step().snapshot.has_value());
    // 7/8's hum is gone, 5/6 has a wiring fault.
    h.answer_snapshot({{gl_path, channel("1/2", {"ground_loop"})},
                       {hum_path, channel("7/8", {})},
                       {wiring_path, channel("5/6", {"wiring"})}});
    const Actions after = h.step();
    ASSERT_EQ(after.notify.size(), 1U);
    EXPECT_EQ(after.notify[0].slot, summary_slot);
    EXPECT_EQ(after.notify[0].replaces_id, summary_id);
    EXPECT_EQ(after.notify[0].notification.summary, "cmrd restarted: 2 alarms active on desk");
    EXPECT_EQ(after.close, std::vector<std::uint32_t>{hum_id});
    h.advance(60s);
    EXPECT_TRUE(h.step().notify.empty());
}

TEST(NotifierState, AStaleSnapshotAnswerIsIgnored)
{
    Harness h;
    const Actions first = h.step();
    ASSERT_TRUE(first.snapshot.has_value());
    h.state().cmrd_vanished();
    h.state().cmrd_appeared(h.now());
    // The answer to the first request arrives after cmrd restarted: ignored.
    h.state().snapshot_received(*first.snapshot, {{gl_path, channel("1/2", {"ground_loop"})}});
    EXPECT_FALSE(h.state().live());
    EXPECT_TRUE(h.step().notify.empty());
}

TEST(NotifierState, SnapshotFailures)
{
    Harness h;
    Actions first = h.step();
    ASSERT_TRUE(first.snapshot.has_value());
    // cmrd not running: wait for it, no polling.
    h.state().snapshot_failed(*first.snapshot, true, h.now());
    EXPECT_FALSE(h.state().next_wakeup().has_value());
    h.advance(60s);
    EXPECT_FALSE(h.step().snapshot.has_value());
    h.state().cmrd_appeared(h.now());
    EXPECT_EQ(*h.state().next_wakeup(), h.now() + 20s);
    h.advance(20s);
    const Actions second = h.step();
    ASSERT_TRUE(second.snapshot.has_value());
    // Any other failure (a timeout): retried.
    h.state().snapshot_failed(*second.snapshot, false, h.now());
    EXPECT_EQ(*h.state().next_wakeup(), h.now() + 5s);
    h.advance(5s);
    ASSERT_TRUE(h.step().snapshot.has_value());
    // cmrd appeared after cmr-notify started: its alarms are a start-up summary.
    h.answer_snapshot({{gl_path, channel("1/2", {"ground_loop"})}});
    const Actions summary = h.step();
    ASSERT_EQ(summary.notify.size(), 1U);
    EXPECT_EQ(summary.notify[0].notification.summary, "cmrd: 1 alarm active on desk");
}

TEST(NotifierState, APendingUpdateSurvivesARestartWithoutDifference)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    ASSERT_EQ(h.step().notify.size(), 1U);
    h.advance(1s);
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", false)); // rate-limited
    h.state().cmrd_vanished();
    h.state().cmrd_appeared(h.now());
    h.advance(20s);
    ASSERT_TRUE(h.step().snapshot.has_value());
    h.answer_snapshot({{gl_path, channel("1/2", {})}});
    const Actions after = h.step();
    ASSERT_EQ(after.notify.size(), 1U);
    EXPECT_THAT(after.notify[0].notification.summary, HasSubstr("Resolved"));
}

TEST(NotifierState, AChannelThatReappearsWithoutItsAlarmIsResolved)
{
    Harness h = live_without_alarms();
    h.state().alarm_changed(gl_path, change("1/2", "ground_loop", true));
    ASSERT_EQ(h.step().notify.size(), 1U);
    h.advance(20s);
    h.state().channel_appeared(gl_path, channel("1/2", {})); // unplugged and plugged in
    const Actions after = h.step();
    ASSERT_EQ(after.notify.size(), 1U);
    EXPECT_THAT(after.notify[0].notification.summary, HasSubstr("Resolved"));
}

TEST(NotifierState, SummaryIsRetriedWhenTheServerFails)
{
    Harness h;
    (void)h.step();
    h.server_down_ = true;
    h.answer_snapshot({{gl_path, channel("1/2", {"ground_loop"})}});
    ASSERT_EQ(h.step().notify.size(), 1U); // failed
    h.server_down_ = false;
    h.advance(5s);
    const Actions retried = h.step();
    ASSERT_EQ(retried.notify.size(), 1U);
    EXPECT_EQ(retried.notify[0].slot, summary_slot);
}

} // namespace
} // namespace cmrnotify
